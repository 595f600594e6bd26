
/**
 * The REST API's error answers, with GitLab's statuses and bodies (`lib/api/helpers.rb`): a handler
 * throws a `RestError` and the plugin's error handler sends it. Nothing else a handler throws reaches
 * the client as written: validation errors become GitLab's `{"error": ...}`, anything unexpected a 500.
 */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

/** `bad_request!(reason)`: `400 Bad request - <reason>`. */
export const badRequest = (reason?: string) => new RestError(400, { message: reason ? `400 Bad request - ${reason}` : '400 Bad request' });

/** Grape's parameter errors: `{"error":"name is missing"}`. */
export const invalidParams = (message: string) => new RestError(400, { error: message });

/** `unauthorized!`: `401 Unauthorized`. */
export const unauthorized = () => new RestError(401, { message: '401 Unauthorized' });

/** `forbidden!(reason)`: `403 Forbidden` or `403 Forbidden - <reason>`. */
export const forbidden = (reason?: string) => new RestError(403, { message: reason ? `403 Forbidden - ${reason}` : '403 Forbidden' });

/** `not_found!(resource)`: `404 <Resource> Not Found`; without a resource `404 Not Found`. */
export const notFound = (resource?: string) => new RestError(404, { message: resource ? `404 ${resource} Not Found` : '404 Not Found' });

/** A record lookup that found nothing (`find_by!`): GitLab's lower-case `404 Not found`. */
export const recordNotFound = () => new RestError(404, { message: '404 Not found' });

/** `not_allowed!`. */
export const notAllowed = () => new RestError(405, { message: '405 Method Not Allowed' });

/** `conflict!(message)`. */
export const conflict = (message = '409 Conflict') => new RestError(409, { message });

/**
 * OAuth bearer errors (rack-oauth2, as GitLab's API guard answers a refused token): a JSON body with
 * `error` and `error_description`, and for 401 the `WWW-Authenticate` header.
 */
export function bearerError(status: 401 | 403, error: string, description: string, extra: Record<string, string> = {}): RestError {
  const headers: Record<string, string> =
    status === 401 ? { 'www-authenticate': `Bearer realm="", error="${error}", error_description="${description}"` } : {};
  return new RestError(status, { error, error_description: description, ...extra }, headers);
}

export const INSUFFICIENT_SCOPE_DESCRIPTION = 'The request requires higher privileges than provided by the access token.';
export const REVOKED_DESCRIPTION = 'Token was revoked. You have to re-authorize from the user.';
