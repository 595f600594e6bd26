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

/**
 * The most nodes (objects) one request may return, counted before it runs: page sizes multiplied down
 * nested connections, summed over aliases, fragments and the operations of a batch. GitLab has no such
 * limit; its complexity score alone lets four nested default-sized connections through. GitLab's own
 * frontend nests two connections at the default page of 100 (about 10,100 nodes), well below this.
 */
export const MAX_NODES = 50_000;

/** A list field that is not a paged connection is counted as this many items by the node limit. */
export const UNPAGED_LIST_ESTIMATE = DEFAULT_PAGE_SIZE;

/** Parsed documents whose cost analysis is kept for reuse. */
export const ANALYSIS_CACHE_SIZE = 5_000;

/**
 * Time budget of one request (GitLab allows 30 s). Past it the client gets HTTP 503, resolvers stop
 * and PostgreSQL cancels the running statement (`statement_timeout`). `LABGATE_REQUEST_TIMEOUT_MS`.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** GitLab's answer when a request runs out of time. */
export const REQUEST_TIMED_OUT = 'Request timed out. Please try a less complex query or a smaller set of records.';

/**
 * Bytes of JSON one response may hold; a larger answer is replaced by an error. The node limit keeps
 * answers far below this; it guards against large stored texts. `LABGATE_MAX_RESPONSE_BYTES`.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 20_000_000;

/** The HTTP server: time to receive the headers, the whole request, and idle keep-alive time. */
export const HTTP_HEADERS_TIMEOUT_MS = 20_000;
export const HTTP_REQUEST_TIMEOUT_MS = 30_000;
export const HTTP_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** Open connections one process accepts; more are closed at once. */
export const HTTP_MAX_CONNECTIONS = 1_000;

/** Operations in one batched request. */
export const MAX_BATCH_SIZE = 20;

/** Bytes of HTTP request body accepted before answering 413. */
export const MAX_BODY_BYTES = 1_000_000;

/** Members one `projectMemberBulkUpdate`/`groupMemberBulkUpdate` may change (GitLab's limit). */
export const MAX_MEMBERS_UPDATE = 50;

/** Users `autocompleteUsers` offers at most (GitLab's `Autocomplete::UsersFinder::LIMIT`). */
export const AUTOCOMPLETE_USERS_LIMIT = 20;

/** `Query.projects(fullPaths:)` accepts at most this many paths. */
export const MAX_FULL_PATHS = 50;

/** `lastUsedAt` is written at most once per this interval per token. */
export const LAST_USED_AT_INTERVAL_MS = 10 * 60 * 1000;

export type LimitTier = keyof typeof MAX_COMPLEXITY;

/**
 * Failed-authentication ban, per client address (GitLab's `rack_attack.git_basic_auth`: `maxretry`,
 * `findtime`, `bantime`). After this many requests with a wrong token within the window, requests
 * carrying a token from that address are refused for the ban time. GitLab's documentation gives 30
 * failures and a one-hour ban; its settings file defaults to 10 in 60 s. Labgate takes 30 in 60 s.
 * Environment: `LABGATE_AUTH_FAILURES_MAX`, `LABGATE_AUTH_FAILURES_WINDOW_SECONDS`, `LABGATE_AUTH_BAN_SECONDS`.
 */
export const AUTH_FAILURES_MAX = 30;
export const AUTH_FAILURES_WINDOW_SECONDS = 60;
export const AUTH_BAN_SECONDS = 60 * 60;

/** GitLab's text for a banned address (`Gitlab::Auth::IpBlocked`), sent as plain text with HTTP 403. */
export const AUTH_BANNED_MESSAGE = 'Too many failed authentication attempts from this IP';

/** A Redis command of the shared failure counter that takes longer than this counts as a Redis failure. */
export const AUTH_THROTTLE_REDIS_TIMEOUT_MS = 500;

/**
 * Bytes one Git push may send (`LABGATE_GIT_MAX_PUSH_BYTES`): counted on the request body as it
 * streams, and given to Git as `receive.maxInputSize` for the unpacked pack. GitLab leaves it unlimited
 * by default; Labgate bounds it.
 */
export const DEFAULT_GIT_MAX_PUSH_BYTES = 1024 * 1024 * 1024;
