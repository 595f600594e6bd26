/**
 * What the request log and the metrics need to know about one request that only the GraphQL
 * endpoint learns: filled in as the request is handled, read when the response is sent.
 */
export interface RequestTrace {
  /** GraphQL operation names, in order (a batch has several). */
  operations: string[];
  userId?: number;
  tokenId?: number;
  /** How authentication ended: anonymous, authenticated, invalid, forbidden, banned. */
  authOutcome?: string;
  /**
   * Milliseconds the request spent waiting for the database: counted only when it starts as a number
   * (`newTrace({ timeDb: true })`, when the request log records the request).
   */
  dbMs?: number;
  /** `extensions.code` of every error in the answer. */
  errorCodes: string[];
}

export function newTrace(options: { timeDb?: boolean } = {}): RequestTrace {
  return options.timeDb ? { operations: [], errorCodes: [], dbMs: 0 } : { operations: [], errorCodes: [] };
}
