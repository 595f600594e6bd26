/** Limits of the HTTP server, whatever the endpoint. */

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

/** Bytes of HTTP request body accepted before answering 413. */
export const MAX_BODY_BYTES = 1_000_000;
