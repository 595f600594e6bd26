/**
 * Every limit of the GraphQL endpoint, in one place, tiered like GitLab's (`gitlab_schema.rb`).
 */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 100;

/** Characters of query text per request; for a batch, the sum over all its queries. */
export const MAX_QUERY_SIZE = 10_000;

export const MAX_COMPLEXITY = {
  anonymous: 200,
  authenticated: 250,
  admin: 300,
} as const;

/**
 * The standard introspection query must always be allowed, anonymous or not. GitLab allows 217
 * ("Current GraphiQL introspection query has complexity of 217", as graphql-ruby counts it); our
 * estimator counts graphql-js's `getIntrospectionQuery()` at 220, and at 230 with every option on,
 * so the allowance is set above that rather than at GitLab's number.
 */
export const INTROSPECTION_MAX_COMPLEXITY = 240;

export const MAX_DEPTH = {
  anonymous: 15,
  authenticated: 20,
  admin: 20,
} as const;

/** Operations in one batched request. */
export const MAX_BATCH_SIZE = 20;

/** Bytes of HTTP request body accepted before answering 413. */
export const MAX_BODY_BYTES = 1_000_000;

/** `Query.projects(fullPaths:)` accepts at most this many paths. */
export const MAX_FULL_PATHS = 50;

/** `lastUsedAt` is written at most once per this interval per token. */
export const LAST_USED_AT_INTERVAL_MS = 10 * 60 * 1000;

export type LimitTier = keyof typeof MAX_COMPLEXITY;
