import { ArgumentError } from '../../core/errors';

/**
 * GitLab's rules for paths and usernames (`Gitlab::PathRegex`): letters, digits, `_`, `-` and `.`;
 * no leading `-`; no trailing `.`, `.git` or `.atom`; and top-level names the web app routes itself.
 */
const PATH_RE = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*$/;
const BAD_ENDING_RE = /(\.|\.git|\.atom)$/i;

const RESERVED_TOP_LEVEL = new Set([
  '-',
  '.well-known',
  'admin',
  'api',
  'assets',
  'dashboard',
  'explore',
  'favicon.ico',
  'groups',
  'help',
  'import',
  'jwt',
  'login',
  'oauth',
  'profile',
  'projects',
  'public',
  'robots.txt',
  's',
  'search',
  'sitemap',
  'uploads',
  'users',
  'v2',
]);

export const MAX_PATH_LENGTH = 255;

export const NAMESPACE_PATH_MESSAGE =
  "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.', '.git' or '.atom'.";
export const PROJECT_PATH_MESSAGE =
  "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'";
export const USERNAME_MESSAGE =
  "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-' or end in '.', '.git' or '.atom'.";

/** Returns the error messages for a path, prefixed with `label` (empty when valid). */
export function pathErrors(
  label: string,
  value: string,
  options: { kind: 'namespace' | 'project' | 'username'; topLevel: boolean },
): string[] {
  const errors: string[] = [];
  if (value === '') return [`${label} can't be blank`];
  if (value.length > MAX_PATH_LENGTH) errors.push(`${label} is too long (maximum is ${MAX_PATH_LENGTH} characters)`);
  const badEnding = options.kind === 'project' ? /(\.git|\.atom)$/i.test(value) : BAD_ENDING_RE.test(value);
  if (!PATH_RE.test(value) || badEnding) {
    const message =
      options.kind === 'project' ? PROJECT_PATH_MESSAGE : options.kind === 'username' ? USERNAME_MESSAGE : NAMESPACE_PATH_MESSAGE;
    errors.push(`${label} ${message}`);
  }
  if (options.topLevel && RESERVED_TOP_LEVEL.has(value.toLowerCase())) errors.push(`${label} ${value} is a reserved name`);
  return errors;
}

/** No control characters (U+0000 above all) in an address. */
const EMAIL_RE = /^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+$/;

export function isValidEmail(value: string): boolean {
  return EMAIL_RE.test(value) && value.length <= 254;
}

/**
 * U+0000 cannot be stored in PostgreSQL text (nor sent as a text parameter), so no stored name, path or
 * search term can hold it. GitLab refuses any request parameter holding one (HTTP 400, in its
 * `HandleMalformedStrings` middleware); the text of our messages is our own.
 */
export function hasNullByte(value: string): boolean {
  return value.includes('\u0000');
}

export function nullByteMessage(label: string): string {
  return `${label} cannot contain null bytes`;
}

/** GitLab's usual `string` column limit, e.g. a token's name and description. */
export const MAX_TEXT_LENGTH = 255;

/**
 * Errors for free text about to be stored (names, descriptions): GitLab's length message, counted in
 * characters as Ruby counts them (code points), and no null bytes.
 */
export function textErrors(label: string, value: string, maxLength = MAX_TEXT_LENGTH): string[] {
  const errors: string[] = [];
  if ([...value].length > maxLength) errors.push(`${label} is too long (maximum is ${maxLength} characters)`);
  if (hasNullByte(value)) errors.push(nullByteMessage(label));
  return errors;
}

/**
 * Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern (always a bound parameter). A term with
 * a null byte is refused as a bad argument: it could match nothing, and PostgreSQL would not take it.
 */
export function likePattern(term: string): string {
  if (hasNullByte(term)) throw new ArgumentError(nullByteMessage('Search'));
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
