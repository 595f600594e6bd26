import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app';
import { runCli } from '../../src/cli/main';
import { loadConfig } from '../../src/config';
import { libtrustKeyId } from '../../src/modules/registry/registry-jwt';

async function run(args: string[], env: Record<string, string>) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) }, { PATH: process.env.PATH, ...env });
  return { code, out, err };
}

describe('labgate registry config', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'labgate-registry-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a key and its certificate where missing, and prints a docker-registry configuration pointing at Labgate', async () => {
    const keyPath = path.join(dir, 'keys', 'registry.key');
    const env = { LABGATE_REGISTRY_KEY: keyPath, LABGATE_REGISTRY_URL: 'http://registry.example.com:5050', LABGATE_URL: 'https://labgate.example.com' };
    const first = await run(['registry', 'config'], env);
    expect(first.code).toBe(0);
    expect(first.err).toContain(`wrote ${keyPath}`);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    const certificate = new X509Certificate(readFileSync(path.join(dir, 'keys', 'registry.crt')));
    expect(first.out).toContain('  token:\n    realm: "https://labgate.example.com/jwt/auth"\n    service: container_registry\n    issuer: "gitlab-issuer"\n');
    expect(first.out).toContain(`rootcertbundle: ${JSON.stringify(path.join(dir, 'keys', 'registry.crt'))}`);
    expect(first.out).toContain('addr: ":5050"');
    expect(first.out).toContain(`rootdirectory: ${JSON.stringify(path.join(dir, 'keys', 'storage'))}`);

    // A second run keeps the key and certificate the registry already trusts.
    const key = readFileSync(keyPath, 'utf8');
    const second = await run(['registry', 'config', '--listen', '127.0.0.1:5001', '--storage', path.join(dir, 'images')], { ...env, LABGATE_REGISTRY_ISSUER: 'labgate' });
    expect(second.code).toBe(0);
    expect(second.err).not.toContain('wrote');
    expect(readFileSync(keyPath, 'utf8')).toBe(key);
    expect(second.out).toContain('addr: "127.0.0.1:5001"');
    expect(second.out).toContain('issuer: "labgate"');
    expect(libtrustKeyId(certificate.publicKey)).toMatch(/^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$/);
  });

  it('says when LABGATE_REGISTRY_URL is unset, and refuses a bad --listen with a usage error', async () => {
    const env = { LABGATE_REGISTRY_KEY: path.join(dir, 'other', 'registry.key') };
    const unset = await run(['registry', 'config'], env);
    expect(unset.code).toBe(0);
    expect(unset.err).toContain('LABGATE_REGISTRY_URL is not set');
    expect(unset.out).toContain('addr: ":5000"');
    const bad = await run(['registry', 'config', '--listen', 'nowhere'], env);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--listen: expected HOST:PORT or :PORT');
  });

  it('keeps Labgate from starting with the registry on and no readable key, saying how to make one', async () => {
    const config = loadConfig({}, { databaseUrl: 'sqlite::memory:', logLevel: 'silent', registryUrl: 'http://localhost:5000', registryKeyPath: path.join(dir, 'missing.key') });
    await expect(createApp(config)).rejects.toThrow(`LABGATE_REGISTRY_KEY: cannot read ${path.join(dir, 'missing.key')} (ENOENT); \`labgate registry config\` writes a key and its certificate`);
  });
});
