/**
 * Tokens never reach the log, in any form: the request log writes a path whose token parameters are
 * replaced, no headers at all, and every string of every line goes through `scrubSecrets`, which
 * replaces anything shaped like a GitLab token.
 */

/**
 * Query parameters that can carry a secret: GitLab's `private_token`, OAuth's `access_token`, and any
 * other whose name holds `token`, `password` or `secret` (`job_token`, `client_secret`...), as GitLab's
 * `filter_parameters` match by part of the name; an underscore may be percent-encoded (`private%5Ftoken`).
 */
const TOKEN_PARAMETERS = /([?&][^=&#]*(?:token|password|secret)[^=&#]*=)[^&#]*/gi;

/**
 * A parameter whose name is percent-encoded (`private%5Ftoken=`): Rack, like Node's parsers, decodes
 * names, so it carries a token as well as the plain spelling does.
 */
const ENCODED_PARAMETER = /([?&])([^=&#]*%[^=&#]*)=([^&#]*)/g;
const TOKEN_PARAMETER_NAMES = new Set(['private_token', 'access_token', 'token']);

function scrubEncodedNames(value: string): string {
  if (!value.includes('%')) return value;
  return value.replace(ENCODED_PARAMETER, (whole, separator: string, name: string) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      decoded = name;
    }
    return TOKEN_PARAMETER_NAMES.has(decoded.toLowerCase()) ? `${separator}${name}=${FILTERED}` : whole;
  });
}

/** GitLab token prefixes: personal, project/group (bots), OAuth, feed, deploy, runner... */
const TOKEN_SHAPED = /\b(?:glpat|gloas|glrt|glft|gldt|glcbt|glptt|glsoat|glimt|glagent|glffct)-[A-Za-z0-9_.-]{8,}/g;

const FILTERED = '[FILTERED]';

/** Whether a value holds something that the log would filter (a token-shaped request id, say). */
export function looksSecret(value: string): boolean {
  TOKEN_SHAPED.lastIndex = 0;
  return TOKEN_SHAPED.test(value);
}

export function scrubString(value: string): string {
  return scrubEncodedNames(value.replace(TOKEN_PARAMETERS, `$1${FILTERED}`)).replace(TOKEN_SHAPED, FILTERED);
}

/** The request path for the log, with token parameters replaced. */
export function safePath(url: string): string {
  return scrubString(url);
}

/** A copy of a log record with every string scrubbed (nested objects and arrays included). */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1));
  if (value instanceof Error) {
    return { type: value.name, message: scrubString(value.message), stack: value.stack ? scrubString(value.stack) : undefined };
  }
  const copy: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) copy[key] = /^(authorization|private-token|cookie)$/i.test(key) ? FILTERED : scrubSecrets(v, depth + 1);
  return copy;
}
