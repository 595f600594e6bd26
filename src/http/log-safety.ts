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
  // Every line passes here: the patterns only run on a string that could match them (a parameter
  // needs `=`, every token prefix starts with `gl`).
  let scrubbed = value;
  if (scrubbed.includes('=')) scrubbed = scrubEncodedNames(scrubbed.replace(TOKEN_PARAMETERS, `$1${FILTERED}`));
  if (scrubbed.includes('gl')) scrubbed = scrubbed.replace(TOKEN_SHAPED, FILTERED);
  return scrubbed;
}

/** The request path for the log, with token parameters replaced. */
export function safePath(url: string): string {
  return scrubString(url);
}

const SECRET_KEYS = /^(authorization|private-token|cookie)$/i;

/**
 * A log record with every string scrubbed (nested objects and arrays included): a copy where anything
 * was replaced, the record itself when nothing was (the request line, usually).
 */
export function scrubSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubString(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => scrubSecrets(v, depth + 1));
  if (value instanceof Error) {
    return { type: value.name, message: scrubString(value.message), stack: value.stack ? scrubString(value.stack) : undefined };
  }
  let copy: Record<string, unknown> | null = null;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i];
    const v = record[key];
    const scrubbed = SECRET_KEYS.test(key) ? FILTERED : scrubSecrets(v, depth + 1);
    if (copy === null && scrubbed !== v) {
      copy = {};
      for (let j = 0; j < i; j += 1) copy[keys[j]] = record[keys[j]];
    }
    if (copy !== null) copy[key] = scrubbed;
  }
  if (copy === null && Object.getPrototypeOf(record) !== Object.prototype) copy = { ...record };
  return copy ?? value;
}
