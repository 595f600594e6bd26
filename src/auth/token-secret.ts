import { hash, randomBytes } from 'node:crypto';

/** GitLab's default personal access token prefix; project and group tokens use it too. */
export const TOKEN_PREFIX = 'glpat-';
const BODY_LENGTH = 20;

/**
 * A new secret: the prefix and 20 URL-safe characters (120 random bits), the shape of GitLab's legacy
 * tokens. Characters that are easy to misread (l, I, O, 0) are swapped as Devise does.
 */
export function generateTokenSecret(): string {
  const body = randomBytes(15)
    .toString('base64url')
    .slice(0, BODY_LENGTH)
    .replace(/[lIO0]/g, (c) => ({ l: 's', I: 'x', O: 'y', '0': 'z' })[c]!);
  return TOKEN_PREFIX + body;
}

/** What the database keeps instead of the secret. */
export function digestToken(secret: string): string {
  // One call, without a Hash object: this runs on every request that carries a token.
  return hash('sha256', secret, 'base64');
}

/** Cheap shape check before any database lookup. */
export function looksLikeToken(value: string): boolean {
  return value.length >= 20 && value.length <= 255 && /^[A-Za-z0-9_.-]+$/.test(value);
}
