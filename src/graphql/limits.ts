import { DEFAULT_PAGE_SIZE } from '../core/limits';

/**
 * The limits of the GraphQL endpoint, tiered like GitLab's (`gitlab_schema.rb`). Limits of the HTTP
 * server are in `http/limits.ts`, of authentication in `auth/limits.ts`, the ones services and the
 * data layer apply whatever the transport in `core/limits.ts`, and the defaults of settings in
 * `config.ts`.
 */

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

/**
 * The most nodes (objects) one request may return, counted before it runs: page sizes multiplied down
 * nested connections, summed over aliases, fragments and the operations of a batch. GitLab has no such
 * limit; its complexity score alone lets four nested default-sized connections through. GitLab's own
 * frontend nests two connections at the default page of 100 (about 10,100 nodes), well below this.
 */
export const MAX_NODES = 50_000;

/** A list field that is not a paged connection is counted as this many items by the node limit. */
export const UNPAGED_LIST_ESTIMATE = DEFAULT_PAGE_SIZE;

/**
 * Lists whose length is bounded by what they hold rather than by stored data, counted at that size
 * instead of UNPAGED_LIST_ESTIMATE: a granular scope holds distinct names from the permission
 * catalogue (48 today; a test keeps the catalogue within this), and a token a handful of scopes (a
 * fine-grained one, one per group or project it reaches). So a page of 50 tokens with their scopes
 * and permissions is about 25,000 nodes, not half a million.
 */
export const LIST_FIELD_ESTIMATES: Readonly<Record<string, number>> = {
  'AccessTokenGranularScope.permissions': 48,
  'PersonalAccessToken.scopes': 10,
};

/** Automatic persisted queries (Apollo's, by hash) kept per process; the least recently used go first. */
export const PERSISTED_QUERY_CACHE_ENTRIES = 1_000;

/** Parsed documents whose cost analysis is kept for reuse. */
export const ANALYSIS_CACHE_SIZE = 5_000;

/** Operations in one batched request. */
export const MAX_BATCH_SIZE = 20;

export type LimitTier = keyof typeof MAX_COMPLEXITY;

/**
 * Deepest nesting of the JSON values of a request (`variables`, `extensions`). Ruby's JSON parser,
 * which reads GitLab's request bodies, refuses more than 100 levels (`max_nesting`).
 */
export const MAX_JSON_NESTING = 100;

/**
 * Answers to introspection documents kept per schema (GitLab caches the standard introspection
 * answer for a day): they depend on the schema only, so each is computed once. Bounded by count and
 * by the bytes the answers hold together.
 */
export const INTROSPECTION_CACHE_ENTRIES = 64;
export const INTROSPECTION_CACHE_BYTES = 16_000_000;
