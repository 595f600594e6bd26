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
/**
 * Open connections one client address may hold (a trusted reverse proxy is not capped); more are
 * closed at once, so that one address cannot take the whole of `HTTP_MAX_CONNECTIONS`.
 */
export const HTTP_MAX_CONNECTIONS_PER_ADDRESS = 100;
/** A new connection that has not sent a complete request head within this time is closed. */
export const HTTP_FIRST_REQUEST_TIMEOUT_MS = 5_000;

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

/**
 * A token's new address is recorded only when the token was last used longer ago than this, and at
 * most this many addresses are kept per token, the oldest going first (GitLab's
 * `PersonalAccessTokens::LastUsedService`: one minute, five addresses).
 */
export const LAST_USED_IP_INTERVAL_MS = 60 * 1000;
export const LAST_USED_IPS_KEPT = 5;

/** A visit reported again within this time of the last one counted is not counted (GitLab: 15 minutes). */
export const VISIT_INTERVAL_MS = 15 * 60 * 1000;

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
 * A revoked token presented for a rotation within this time after the rotation that revoked it is a
 * retry of that rotation (a client that sent it twice), not the reuse of a stolen copy: it is refused
 * like any revoked token, but its family is left alone. Later, the whole family is revoked.
 */
export const ROTATION_RETRY_WINDOW_MS = 10_000;

/**
 * Lifetime of a container registry token in minutes (GitLab's `container_registry_token_expire_delay`,
 * whose instance default is 5), and how far back its `nbf` reaches, to allow for clocks a little apart.
 */
export const REGISTRY_TOKEN_EXPIRE_MINUTES = 5;
export const REGISTRY_TOKEN_NOT_BEFORE_SECONDS = 5;
/** Lifetime of the nested `user` token of a registry token (GitLab's class default, 60 s). */
export const REGISTRY_USER_TOKEN_SECONDS = 60;
/**
 * A registry repository path has more than one and fewer than this many `/`-separated parts
 * (GitLab's `Namespace::NUMBER_OF_ANCESTORS_ALLOWED`).
 */
export const REGISTRY_PATH_MAX_COMPONENTS = 20;
/** Levels an image name may add below its project's path (`acme/api/app/worker`: two). */
export const REGISTRY_IMAGE_EXTRA_LEVELS = 2;

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

/**
 * Values one list argument may hold (`ids`, `usernames`, `topics`...; GitLab holds `fullPaths` to 50,
 * kept below). Past it the field fails with "You cannot provide more than 100 ids." A page holds 100
 * items, so a longer filter could not be read back in one page anyway.
 */
export const MAX_LIST_ARGUMENT_LENGTH = 100;

/**
 * SQLite runs statements on the main thread: a statement due more than this long after the event loop
 * last had a turn waits for one first, so that no request holds the loop for its whole duration.
 */
export const SQLITE_TURN_MS = 10;

/**
 * Bytes one Git push may send (`LABGATE_GIT_MAX_PUSH_BYTES`): counted on the request body as it
 * streams, and given to Git as `receive.maxInputSize` for the unpacked pack. GitLab leaves it unlimited
 * by default; Labgate bounds it.
 */
export const DEFAULT_GIT_MAX_PUSH_BYTES = 1024 * 1024 * 1024;

/**
 * Push events (GitLab's `Git::ProcessRefChangesService` and its settings): more refs than
 * `PUSH_EVENT_ACTIVITIES_LIMIT` of one kind, pushed at once with one action, make one bulk event
 * (`push_event_activities_limit`, default 3); a ref's commits are counted up to `PUSH_COMMIT_COUNT_LIMIT`
 * (`PROCESS_COMMIT_LIMIT`), except on the default branch's first push; a push moves its project's
 * `last_activity_at` at most once per `PROJECT_ACTIVITY_INTERVAL_MS` (`RESET_PROJECT_ACTIVITY_INTERVAL`).
 */
export const PUSH_EVENT_ACTIVITIES_LIMIT = 3;
export const PUSH_COMMIT_COUNT_LIMIT = 100;
export const PROJECT_ACTIVITY_INTERVAL_MS = 60 * 60 * 1000;
