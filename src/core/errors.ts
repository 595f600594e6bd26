import { GraphQLError } from 'graphql';
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

export class ResourceNotAvailableError extends GraphQLError {
  constructor(message: string = RESOURCE_NOT_AVAILABLE) {
    super(message, { extensions: { code: 'RESOURCE_NOT_AVAILABLE' } });
  }
}

/** GitLab's `Gitlab::Graphql::Errors::ArgumentError`: a bad argument, reported as a GraphQL error. */
export class ArgumentError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

/**
 * A rule broken on a resource the caller may see. Mutations turn it into their payload's
 * `errors: [String!]!` (nothing is changed); a query reports it as a GraphQL error; the CLI prints it
 * and exits non-zero.
 */
export class ServiceError extends GraphQLError {
  readonly messages: string[];

  constructor(messages: string | string[]) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join(', '), { extensions: { code: 'BAD_USER_INPUT' } });
    this.messages = list;
  }
}

/** The request ran out of its time budget; the HTTP layer answers 503 with GitLab's message. */
export class RequestTimeoutError extends GraphQLError {
  constructor() {
    super(REQUEST_TIMED_OUT, { extensions: { code: 'REQUEST_TIMEOUT' } });
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
