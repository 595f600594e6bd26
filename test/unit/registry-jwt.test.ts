import { execFileSync } from 'node:child_process';
import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { decodeJwt, libtrustKeyId, signingKeyFromPem, signRegistryToken } from '../../src/modules/registry/registry-jwt';
import { candidateProjectPaths, registryPath } from '../../src/modules/registry/registry-path';
import { parseScopes } from '../../src/modules/registry/registry-token.service';
import { registryWorkDir } from '../helpers/registry';

describe('registry tokens', () => {
  let dir: string;
  let keyPath: string;
  beforeAll(() => {
    ({ dir, keyPath } = registryWorkDir());
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("derives libtrust's key id: SHA-256 of the DER public key, 240 bits in base32, 12 groups of 4", () => {
    const key = signingKeyFromPem(readFileSync(keyPath));
    expect(key.keyId).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
    // The same id computed by other tools: openssl for the DER and the digest, Python for base32.
    const der = execFileSync('openssl', ['pkey', '-in', keyPath, '-pubout', '-outform', 'DER']);
    const digest = execFileSync('openssl', ['dgst', '-sha256', '-binary'], { input: der });
    const encoded = execFileSync('python3', ['-c', 'import base64,sys; print(base64.b32encode(sys.stdin.buffer.read()[:30]).decode())'], { input: digest })
      .toString()
      .trim();
    expect(key.keyId).toBe(encoded.match(/.{4}/g)!.join(':'));
    // And from the certificate `labgate registry config` writes, which is what the registry reads.
    const certificate = new X509Certificate(readFileSync(path.join(dir, 'registry.crt')));
    expect(libtrustKeyId(certificate.publicKey)).toBe(key.keyId);
  });

  it('signs the claims, with nbf and exp around iat and a nested user token of 60 s', () => {
    const key = signingKeyFromPem(readFileSync(keyPath));
    const issuedAt = new Date('2026-03-01T10:00:00.000Z');
    const token = signRegistryToken(key, {
      issuer: 'gitlab-issuer',
      audience: 'container_registry',
      subject: 'alice',
      authType: 'personal_access_token',
      access: [{ type: 'repository', name: 'acme/api', actions: ['pull'], meta: { project_path: 'acme/api', project_id: 4, root_namespace_id: 2 } }],
      user: { token_type: 'personal_access_token', username: 'alice', user_id: 7 },
      issuedAt,
      expiresInSeconds: 300,
      notBeforeSeconds: 5,
      userTokenSeconds: 60,
    });
    const [h, p, s] = token.split('.');
    expect(verify('RSA-SHA256', Buffer.from(`${h}.${p}`), createPublicKey(readFileSync(keyPath)), Buffer.from(s, 'base64url'))).toBe(true);
    const { header, payload } = decodeJwt(token);
    const iat = issuedAt.getTime() / 1000;
    expect(header).toEqual({ kid: key.keyId, typ: 'JWT', alg: 'RS256' });
    expect(payload).toMatchObject({ iss: 'gitlab-issuer', aud: 'container_registry', sub: 'alice', iat, nbf: iat - 5, exp: iat + 300, auth_type: 'personal_access_token' });
    expect(Object.keys(payload).sort()).toEqual(['access', 'aud', 'auth_type', 'exp', 'iat', 'iss', 'jti', 'nbf', 'sub', 'user']);
    const user = decodeJwt(payload.user as string);
    expect(user.header.kid).toBe(key.keyId);
    expect(user.payload).toMatchObject({ user_info: { token_type: 'personal_access_token', username: 'alice', user_id: 7 }, iat, nbf: iat - 5, exp: iat + 60 });
    expect(user.payload.iss).toBeUndefined();
  });

  it('refuses a key that is not RSA', () => {
    const ec = execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
    expect(() => signingKeyFromPem(ec)).toThrow('the registry key must be an RSA private key');
  });
});

describe('registry repository paths and scopes', () => {
  it('accepts Distribution names of 2 to 19 components, lower-cased', () => {
    expect(registryPath('Acme/API')).toBe('acme/api');
    expect(registryPath('acme/my-app__x.y/worker')).toBe('acme/my-app__x.y/worker');
    for (const bad of ['acme', 'acme/', 'acme//api', 'acme/-api', 'acme/api!', 'acme/a___b', `a/${Array(19).fill('x').join('/')}`]) expect(registryPath(bad)).toBeNull();
    expect(registryPath(`a/${Array(18).fill('x').join('/')}`)).not.toBeNull();
  });

  it('looks for the project at the path and up to two levels above it, never at a single component', () => {
    expect(candidateProjectPaths('acme/api/app/worker')).toEqual(['acme/api/app/worker', 'acme/api/app', 'acme/api']);
    expect(candidateProjectPaths('acme/api/app')).toEqual(['acme/api/app', 'acme/api']);
    expect(candidateProjectPaths('acme/api')).toEqual(['acme/api']);
  });

  it('parses repository and registry scopes, ignoring other types and malformed ones', () => {
    expect(parseScopes(['repository:acme/api:pull,push registry:catalog:*', 'registry:catalog:pull', 'registry:other:*', 'foo:acme/api:pull', 'repository:acme/api'])).toEqual({
      repositories: [{ path: 'acme/api', actions: ['pull', 'push'] }],
      registry: ['catalog'],
    });
  });
});
