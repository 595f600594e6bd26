/**
 * Why a service refused: a closed set. Services fail with one of these codes (on the error classes of
 * core/errors.ts), and each transport maps every code to its own answer in one exhaustive switch:
 * GraphQL in graphql/failure-shapes.ts, REST in rest/failure-statuses.ts. A code added here without a
 * mapping there fails to compile (`unmapped`), which test/unit/failure-mappings.test.ts checks. No
 * transport chooses its answer by reading a message: the messages are GitLab's words, for the client.
 */
export const FAILURE_CODES = [
  /** Missing, or not allowed: one answer for both, by design (GitLab's `ResourceNotAvailable`). */
  'not_available',
  /** A bad argument to the operation as a whole (GitLab's GraphQL `ArgumentError`). */
  'invalid_argument',
  /** A rule broken on a resource the caller may see, in GitLab's words (a mutation's `errors`). */
  'rule',
  /** The record cannot be saved as asked: it exists already, or its model refuses the values. */
  'conflict',
  /** The caller may see the object but may not make this change to it. */
  'forbidden',
  /** The object the operation acts on does not exist (the container of it was found). */
  'not_found',
  /** One field of the request names something that may not be used there (`field` says which). */
  'invalid_field',
  /** The request ran out of its time budget. */
  'timeout',
] as const;

export type FailureCode = (typeof FAILURE_CODES)[number];

/** What a transport's mapping receives. */
export interface Failure {
  code: FailureCode;
  /** GitLab's messages (one, or several a mutation lists in `errors`). */
  messages: readonly string[];
  /** For `invalid_field`: the request field at fault. */
  field?: string;
}

/** The `default` of an exhaustive switch over failure codes: compiles only when every code is handled. */
export function unmapped(code: never): never {
  throw new Error(`no mapping for failure code ${String(code)}`);
}
