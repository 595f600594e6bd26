import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';
import { signingKeyFromPem } from '../modules/registry/registry-jwt';
import { REGISTRY_SERVICE } from '../modules/registry/registry-token.service';
import { REGISTRY_TOKEN_PATH } from '../registry/token-route';
import { UsageError, type Flags } from './args';
import type { CliIo } from './io';

/** Where clients reach the registry when `LABGATE_REGISTRY_URL` is unset (Distribution's usual port). */
export const DEFAULT_REGISTRY_URL = 'http://localhost:5000';

/** Days the self-signed certificate is valid: only the registry reads it, to check token signatures. */
const CERTIFICATE_DAYS = 3650;
const KEY_BITS = 2048;

/** The certificate beside a key: `registry.key` -> `registry.crt`. */
export function certificatePath(keyPath: string): string {
  return keyPath.replace(/(\.key|\.pem)?$/, '.crt');
}

/**
 * Writes the signing key (when missing) and its self-signed certificate (when missing). The key is
 * made with Node's crypto; the certificate with Debian's `openssl` command, since Node cannot write an
 * X.509 certificate by itself. Answers what was written.
 */
export function ensureRegistryKey(keyPath: string): { keyPath: string; certificatePath: string; written: string[] } {
  const written: string[] = [];
  const certPath = certificatePath(keyPath);
  mkdirSync(path.dirname(keyPath), { recursive: true });
  if (!existsSync(keyPath)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: KEY_BITS });
    writeFileSync(keyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    written.push(keyPath);
  }
  if (!existsSync(certPath)) {
    try {
      execFileSync('openssl', ['req', '-new', '-x509', '-key', keyPath, '-out', certPath, '-days', String(CERTIFICATE_DAYS), '-subj', '/CN=labgate-registry-token'], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the openssl command is not installed' : String((error as { stderr?: Buffer }).stderr ?? error).trim();
      throw new Error(`cannot write the certificate ${certPath}: ${reason}`);
    }
    written.push(certPath);
  }
  return { keyPath, certificatePath: certPath, written };
}

export interface RegistryConfigOptions {
  /** Where the registry listens (Distribution's `http.addr`). */
  listen: string;
  /** Where it keeps images. */
  storage: string;
}

/** A configuration for Debian's `docker-registry` (Distribution 2.8) whose token service is Labgate. */
export function registryConfigYaml(config: Config, certPath: string, options: RegistryConfigOptions): string {
  const quote = (value: string) => JSON.stringify(value);
  return [
    '# docker-registry configuration written by `labgate registry config`.',
    `# Run: /usr/bin/docker-registry serve <this file>`,
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${quote(path.resolve(options.storage))}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: ${quote(options.listen)}`,
    `  secret: ${quote(randomBytes(24).toString('base64url'))}`,
    'auth:',
    '  token:',
    `    realm: ${quote(`${config.externalUrl}${REGISTRY_TOKEN_PATH}`)}`,
    `    service: ${REGISTRY_SERVICE}`,
    `    issuer: ${quote(config.registryIssuer)}`,
    `    rootcertbundle: ${quote(path.resolve(certPath))}`,
    '',
  ].join('\n');
}

/** `labgate registry config`: the key and certificate where missing, then the registry's configuration on stdout. */
export async function runRegistryConfig(config: Config, flags: Flags, io: CliIo): Promise<number> {
  const registryUrl = config.registryUrl ?? DEFAULT_REGISTRY_URL;
  const url = new URL(registryUrl);
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const listen = flags.string('listen') ?? `:${port}`;
  const storage = flags.string('storage') ?? path.join(path.dirname(config.registryKeyPath), 'storage');
  flags.done();
  if (!/^[^\s"]*:\d{1,5}$/.test(listen)) throw new UsageError(`--listen: expected HOST:PORT or :PORT, got "${listen}"`);
  const { certificatePath: certPath, written } = ensureRegistryKey(config.registryKeyPath);
  // A key Labgate could not sign with would fail every login: check it now.
  const { readFileSync } = await import('node:fs');
  signingKeyFromPem(readFileSync(config.registryKeyPath));
  for (const file of written) io.err(`labgate: wrote ${file}`);
  if (!config.registryUrl) io.err(`labgate: LABGATE_REGISTRY_URL is not set: start Labgate with LABGATE_REGISTRY_URL=${registryUrl} to turn the registry on`);
  io.out(registryConfigYaml(config, certPath, { listen, storage }).trimEnd());
  return 0;
}
