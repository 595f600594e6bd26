import { GraphQLError } from 'graphql';
import type { Failure, FailureCode } from './failure-codes';
import { REQUEST_TIMED_OUT } from './limits';

/**
 * The errors services, policies and the data layer throw. Each transport turns them into its own
 * answer (GraphQL errors, mutation payload errors, HTTP statuses, CLI exit codes); GitLab's texts are
 * kept word for word. They are still `GraphQLError`s, carrying the GraphQL code in their extensions;
 * the typed failures of issue 19 (a closed set of codes each transport maps) replace that.
 */

/** GitLab's `ResourceNotAvailable`: one message for "missing" and "not allowed", by design. */
export const RESOURCE_NOT_AVAILABLE =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

/**
 * A service's refusal, with its code from the closed set of failure-codes.ts. Each transport answers
 * it from the code, never from the text: GraphQL in graphql/failure-shapes.ts (which also gives the
 * error its `extensions.code` when the answer is written), REST in rest/failure-statuses.ts.
 */
export abstract class DomainError extends GraphQLError {
  abstract readonly code: FailureCode;
  readonly messages: string[];

  protected constructor(messages: string | string[]) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join(', '));
    this.messages = list;
  }

  /** What a transport's mapping reads. */
  failure(): Failure {
    return { code: this.code, messages: this.messages };
  }
}

export class ResourceNotAvailableError extends DomainError {
  readonly code = 'not_available';

  constructor(message: string = RESOURCE_NOT_AVAILABLE) {
    super(message);
  }
}

/** GitLab's `Gitlab::Graphql::Errors::ArgumentError`: a bad argument, reported as a GraphQL error. */
export class ArgumentError extends DomainError {
  readonly code = 'invalid_argument';

  constructor(message: string) {
    super(message);
  }
}

/** The codes of a rule broken on a resource the caller may see. */
export type ServiceFailureCode = Extract<FailureCode, 'rule' | 'conflict' | 'forbidden' | 'not_found' | 'invalid_field'>;

/**
 * A rule broken on a resource the caller may see. Mutations turn it into their payload's
 * `errors: [String!]!` (nothing is changed); a query reports it as a GraphQL error; the CLI prints it
 * and exits non-zero; REST answers from its code (`rule` unless the service says more).
 */
export class ServiceError extends DomainError {
  readonly code: ServiceFailureCode;
  /** For `invalid_field`: the request field at fault (REST's `user_id`). */
  readonly field: string | undefined;

  constructor(messages: string | string[], code: ServiceFailureCode = 'rule', field?: string) {
    super(messages);
    this.code = code;
    this.field = field;
  }

  override failure(): Failure {
    return { code: this.code, messages: this.messages, ...(this.field ? { field: this.field } : {}) };
  }
}

/** The request ran out of its time budget; the HTTP layer answers 503 with GitLab's message. */
export class RequestTimeoutError extends DomainError {
  readonly code = 'timeout';

  constructor() {
    super(REQUEST_TIMED_OUT);
  }
}

/** PostgreSQL's "canceling statement due to statement timeout". */
const PG_QUERY_CANCELED = '57014';

/** True for an error that means the request ran out of time, ours or the database's. */
export function isTimeoutError(error: unknown): boolean {
  if (error instanceof RequestTimeoutError) return true;
  const driverError = (error as { driverError?: { code?: unknown } } | null)?.driverError;
  return driverError?.code === PG_QUERY_CANCELED;
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  stack?: unknown;
  driverError?: unknown;
}

/**
 * The error that was really thrown. graphql-js wraps a value that is not an `Error` of its own realm
 * (a native module's error seen from Jest's sandbox, for example) in `NonErrorThrown`.
 */
function thrownValue(error: unknown): ErrorLike | null {
  const value = (error as { name?: unknown; thrownValue?: unknown } | null)?.name === 'NonErrorThrown' ? (error as { thrownValue: unknown }).thrownValue : error;
  return value !== null && typeof value === 'object' ? (value as ErrorLike) : null;
}

/** Errors of the database or of the connection to it, as opposed to bugs in Labgate. */
function isDatabaseError(error: ErrorLike): boolean {
  if (error.driverError !== undefined || error.name === 'QueryFailedError' || error.name === 'SqliteError') return true;
  // better-sqlite3 reports a closed connection as a TypeError.
  if (typeof error.message === 'string' && error.message.includes('database connection is not open')) return true;
  return typeof error.code === 'string' && /^(E[A-Z]+|SQLITE_\w+|[0-9A-Z]{5})$/.test(error.code);
}

/**
 * Whether an error comes from the database or the connection to it (an outage fails every request
 * with one): such an error gets its one `logUnexpectedError` line and no other.
 */
export function isDatabaseFailure(error: unknown): boolean {
  const value = thrownValue(error);
  return value !== null && isDatabaseError(value);
}

/**
 * One line in the log for an error no client may see. A database error (an outage makes one per
 * request) is written without stack, statement or parameters: parameters hold token digests.
 * Anything else is a bug, written with its stack.
 */
export function logUnexpectedError(error: unknown): void {
  const value = thrownValue(error);
  if (value && isDatabaseError(value)) {
    const code = typeof value.code === 'string' ? ` ${value.code}` : '';
    console.error(`[labgate] database error: ${String(value.name)}${code}: ${String(value.message).split('\n')[0]}`);
  } else {
    console.error('[labgate] unexpected error:', typeof value?.stack === 'string' ? value.stack : String(value ?? error));
  }
}
