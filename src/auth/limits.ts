/** Limits of authentication: the failed-attempt ban and how often a token's use is recorded. */

/** `lastUsedAt` is written at most once per this interval per token. */
export const LAST_USED_AT_INTERVAL_MS = 10 * 60 * 1000;

/**
 * A token's new address is recorded only when the token was last used longer ago than this, and at
 * most this many addresses are kept per token, the oldest going first (GitLab's
 * `PersonalAccessTokens::LastUsedService`: one minute, five addresses).
 */
export const LAST_USED_IP_INTERVAL_MS = 60 * 1000;
export const LAST_USED_IPS_KEPT = 5;

/** GitLab's text for a banned address (`Gitlab::Auth::IpBlocked`), sent as plain text with HTTP 403. */
export const AUTH_BANNED_MESSAGE = 'Too many failed authentication attempts from this IP';

/** A Redis command of the shared failure counter that takes longer than this counts as a Redis failure. */
export const AUTH_THROTTLE_REDIS_TIMEOUT_MS = 500;
