import { createHash, createPrivateKey, createPublicKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/*
 * The tokens Labgate's registry token service hands out: RS256 JSON Web Tokens that Distribution's
 * `token` authentication accepts. Written with Node's `crypto` (a JWT is three base64url parts and one
 * RSA signature): the one detail a JWT library would not give is the key id Distribution expects,
 * which is computed here anyway.
 */

/** One entry of a token's `access` claim: what the holder may do on one repository (or registry resource). */
export interface RegistryAccess {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
  meta?: { project_path: string; project_id: number; root_namespace_id: number };
}

/** GitLab's `auth_type` claim. */
export type RegistryAuthType = 'personal_access_token' | 'deploy_token' | 'none';

/** Who the token is for, as the nested `user` token describes them (null: anonymous). */
export type RegistryUserInfo =
  | { token_type: 'personal_access_token'; username: string; user_id: number }
  | { token_type: 'deploy_token'; username: string; deploy_token_id: number }
  | null;

export interface RegistryTokenClaims {
  issuer: string;
  audience: string;
  /** The user name; none for a deploy token or an anonymous caller. */
  subject?: string;
  authType: RegistryAuthType;
  access: RegistryAccess[];
  user: RegistryUserInfo;
  issuedAt: Date;
  /** Seconds until `exp`. */
  expiresInSeconds: number;
  /** Seconds before `iat` that `nbf` reaches back. */
  notBeforeSeconds: number;
  /** Seconds the nested `user` token lives. */
  userTokenSeconds: number;
}

/** A loaded signing key and the key id Distribution derives from its certificate. */
export interface RegistrySigningKey {
  privateKey: KeyObject;
  keyId: string;
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32, upper case, without padding. */
function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/**
 * libtrust's key id, which Distribution computes from the certificate in its `rootcertbundle` and
 * compares with a token's `kid`: the SHA-256 of the public key's DER SubjectPublicKeyInfo, its first
 * 240 bits in base32 (48 characters), in 12 groups of 4 joined by `:`.
 */
export function libtrustKeyId(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const encoded = base32(createHash('sha256').update(der).digest().subarray(0, 30));
  return encoded.match(/.{4}/g)!.join(':');
}

export function signingKeyFromPem(pem: string | Buffer): RegistrySigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'rsa') throw new Error('the registry key must be an RSA private key');
  return { privateKey, keyId: libtrustKeyId(privateKey) };
}

/** Reads the PEM private key at `path`, with a message that says what to do when it is missing. */
export function loadSigningKey(path: string): RegistrySigningKey {
  let pem: Buffer;
  try {
    pem = readFileSync(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new Error(`LABGATE_REGISTRY_KEY: cannot read ${path} (${reason}); \`labgate registry config\` writes a key and its certificate`);
  }
  return signingKeyFromPem(pem);
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An RS256 JWT of `payload`, its header carrying the key id. */
export function signJwt(key: RegistrySigningKey, payload: Record<string, unknown>): string {
  const input = `${base64url({ kid: key.keyId, typ: 'JWT', alg: 'RS256' })}.${base64url(payload)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key.privateKey).toString('base64url')}`;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** The registry token: GitLab's claims, `access` as given (only what was granted). */
export function signRegistryToken(key: RegistrySigningKey, claims: RegistryTokenClaims): string {
  const iat = seconds(claims.issuedAt);
  const user = signJwt(key, {
    user_info: claims.user,
    jti: randomUUID(),
    iat,
    nbf: iat - claims.notBeforeSeconds,
    exp: iat + claims.userTokenSeconds,
  });
  const payload: Record<string, unknown> = {
    iss: claims.issuer,
    aud: claims.audience,
    ...(claims.subject !== undefined ? { sub: claims.subject } : {}),
    iat,
    nbf: iat - claims.notBeforeSeconds,
    exp: iat + claims.expiresInSeconds,
    jti: randomUUID(),
    auth_type: claims.authType,
    access: claims.access,
    user,
  };
  return signJwt(key, payload);
}

/** The header and payload of a JWT, unverified (for tests and diagnostics). */
export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  const parse = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(header), payload: parse(payload) };
}
