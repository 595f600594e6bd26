/** Limits the services and the data layer apply, whatever the transport that asked. */

/** Items a page of a list holds when the client does not say, and at most (GraphQL and keyset paging). */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 100;

/** GitLab's answer when a request runs out of time. */
export const REQUEST_TIMED_OUT = 'Request timed out. Please try a less complex query or a smaller set of records.';

/** Members one `projectMemberBulkUpdate`/`groupMemberBulkUpdate` may change (GitLab's limit). */
export const MAX_MEMBERS_UPDATE = 50;

/** Users `autocompleteUsers` offers at most (GitLab's `Autocomplete::UsersFinder::LIMIT`). */
export const AUTOCOMPLETE_USERS_LIMIT = 20;

/** `Query.projects(fullPaths:)` accepts at most this many paths. */
export const MAX_FULL_PATHS = 50;

/** A visit reported again within this time of the last one counted is not counted (GitLab: 15 minutes). */
export const VISIT_INTERVAL_MS = 15 * 60 * 1000;

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
 * A revoked token presented for a rotation within this time after the rotation that revoked it is a
 * retry of that rotation (a client that sent it twice), not the reuse of a stolen copy: it is refused
 * like any revoked token, but its family is left alone. Later, the whole family is revoked.
 */
export const ROTATION_RETRY_WINDOW_MS = 10_000;

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
