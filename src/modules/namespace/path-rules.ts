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

const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

export function isValidEmail(value: string): boolean {
  return EMAIL_RE.test(value) && value.length <= 254;
}

/** Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern. */
export function likePattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
