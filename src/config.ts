import os from 'node:os';
import path from 'node:path';

/* Defaults of the settings below that are limits. */

/**
 * Time budget of one request (GitLab allows 30 s). Past it the client gets HTTP 503, resolvers stop
 * and PostgreSQL cancels the running statement (`statement_timeout`). `LABGATE_REQUEST_TIMEOUT_MS`.
 */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Bytes of JSON one response may hold; a larger answer is replaced by an error. The node limit keeps
 * answers far below this; it guards against large stored texts. `LABGATE_MAX_RESPONSE_BYTES`.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 20_000_000;

/**
 * Failed-authentication ban, per client address (GitLab's `rack_attack.git_basic_auth`: `maxretry`,
 * `findtime`, `bantime`). After this many requests with a wrong token within the window, requests
 * carrying a token from that address are refused for the ban time. GitLab's documentation gives 30
 * failures and a one-hour ban; its settings file defaults to 10 in 60 s. Labgate takes 30 in 60 s.
 * Environment: `LABGATE_AUTH_FAILURES_MAX`, `LABGATE_AUTH_FAILURES_WINDOW_SECONDS`, `LABGATE_AUTH_BAN_SECONDS`.
 */
export const AUTH_FAILURES_MAX = 30;
export const AUTH_FAILURES_WINDOW_SECONDS = 60;
export const AUTH_BAN_SECONDS = 60 * 60;

/**
 * Bytes one Git push may send (`LABGATE_GIT_MAX_PUSH_BYTES`): counted on the request body as it
 * streams, and given to Git as `receive.maxInputSize` for the unpacked pack. GitLab leaves it unlimited
 * by default; Labgate bounds it.
 */
export const DEFAULT_GIT_MAX_PUSH_BYTES = 1024 * 1024 * 1024;

/** Everything a Labgate process reads from its environment, parsed once. */
export interface Config {
  /** `sqlite:PATH`, `sqlite::memory:` or `postgres://...` */
  databaseUrl: string;
  port: number;
  host: string;
  /** External URL of the instance: base of `webUrl`, `webPath`, clone URLs and bot e-mail hosts. */
  externalUrl: string;
  /** GitLab.com-like mode: resource tokens only under paid, non-trial top-level groups. */
  saas: boolean;
  /** Instance setting `require_personal_access_token_expiry` (default true). */
  requireTokenExpiry: boolean;
  /** Raises the maximum token lifetime from 365 to 400 days (GitLab's `buffered_token_expiration_limit`). */
  bufferedTokenExpirationLimit: boolean;
  /** Log unexpected errors to stderr. */
  logErrors: boolean;
  /** Time budget of one request in milliseconds (`LABGATE_REQUEST_TIMEOUT_MS`). */
  requestTimeoutMs: number;
  /** Bytes of JSON one response may hold (`LABGATE_MAX_RESPONSE_BYTES`). */
  maxResponseBytes: number;
  /** Failed-authentication ban per client address (`LABGATE_AUTH_THROTTLE`, default on). */
  authThrottle: boolean;
  /** Wrong tokens from one address within the window that lead to a ban. */
  authFailuresMax: number;
  authFailuresWindowSeconds: number;
  authBanSeconds: number;
  /** Addresses and CIDR ranges never counted nor banned (`LABGATE_AUTH_TRUSTED_IPS`, comma-separated). */
  authTrustedIps: string[];
  /** `REDIS_URL`: shares the failure counters between Labgate processes; in memory when unset. */
  redisUrl?: string;
  /** Prefix of every Redis key Labgate writes (`LABGATE_REDIS_KEY_PREFIX`). */
  redisKeyPrefix: string;
  /** Request log level (`LABGATE_LOG_LEVEL`: info, warn, error, silent...). */
  logLevel: string;
  /** Origins allowed to call `/api/*` from a browser (`LABGATE_CORS_ORIGINS`, comma-separated; `*`: any). */
  corsOrigins: string[];
  /** Addresses and CIDR ranges that may read health and metrics (`LABGATE_MONITORING_IPS`). */
  monitoringIps: string[];
  /** How long a shutdown waits for requests in flight (`LABGATE_SHUTDOWN_TIMEOUT_MS`). */
  shutdownTimeoutMs: number;
  /** Processes `labgate serve` runs, sharing the port (`LABGATE_WORKERS`). */
  workers: number;
  /**
   * Reverse proxies whose `X-Forwarded-For` names the client (`LABGATE_TRUSTED_PROXIES`: addresses
   * and CIDR ranges). Empty: the socket's address is the client, whatever the header says.
   */
  trustedProxies: string[];
  /** Fine-grained (granular) personal access tokens (`LABGATE_FINE_GRAINED_TOKENS`, default on; GitLab's default is off). */
  fineGrainedTokens: boolean;
  /**
   * Where clients reach the container registry (`LABGATE_REGISTRY_URL`, e.g. `http://localhost:5000`);
   * setting it turns on the registry's token service at `/jwt/auth`. Undefined: no registry.
   */
  registryUrl?: string;
  /** PEM private key that signs registry tokens (`LABGATE_REGISTRY_KEY`); the registry trusts its certificate. */
  registryKeyPath: string;
  /** Issuer of registry tokens (`LABGATE_REGISTRY_ISSUER`); must equal the registry's `auth.token.issuer`. */
  registryIssuer: string;
  /** Where the projects' bare Git repositories live (`LABGATE_REPOSITORIES_PATH`); see `repositoriesRoot`. */
  repositoriesPath?: string;
  /** Largest Git push accepted, in bytes (`LABGATE_GIT_MAX_PUSH_BYTES`). */
  gitMaxPushBytes: number;
  /** PEM files that make Labgate serve HTTPS itself (`LABGATE_TLS_CERT`, `LABGATE_TLS_KEY`). */
  tlsCert?: string;
  tlsKey?: string;
}

export const DEFAULT_SQLITE_PATH = path.join('data', 'labgate.sqlite');
/** Where `labgate registry config` writes the registry's signing key (its certificate beside it). */
export const DEFAULT_REGISTRY_KEY_PATH = path.join('data', 'registry', 'registry.key');

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got "${raw}"`);
  return port;
}

function normalizeUrl(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be an absolute URL, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`${name} must be an http(s) URL`);
  return url.toString().replace(/\/+$/, '');
}

function parsePositiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

/** A comma-separated list; `fallback` when unset. */
function list(raw: string | undefined, fallback: string[]): string[] {
  if (raw === undefined || raw.trim() === '') return fallback;
  return raw.split(',').map((entry) => entry.trim()).filter(Boolean);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const port = parsePort(env.PORT, 3000);
  const host = env.HOST || '127.0.0.1';
  const config: Config = {
    databaseUrl: env.DATABASE_URL || `sqlite:${DEFAULT_SQLITE_PATH}`,
    port,
    host,
    externalUrl: normalizeUrl('LABGATE_URL', env.LABGATE_URL || defaultExternalUrl(host, port)),
    saas: parseBoolean('LABGATE_SAAS', env.LABGATE_SAAS, false),
    requireTokenExpiry: parseBoolean('LABGATE_REQUIRE_TOKEN_EXPIRY', env.LABGATE_REQUIRE_TOKEN_EXPIRY, true),
    bufferedTokenExpirationLimit: parseBoolean(
      'LABGATE_BUFFERED_TOKEN_EXPIRATION_LIMIT',
      env.LABGATE_BUFFERED_TOKEN_EXPIRATION_LIMIT,
      false,
    ),
    logErrors: parseBoolean('LABGATE_LOG_ERRORS', env.LABGATE_LOG_ERRORS, true),
    requestTimeoutMs: parsePositiveInt('LABGATE_REQUEST_TIMEOUT_MS', env.LABGATE_REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS),
    maxResponseBytes: parsePositiveInt('LABGATE_MAX_RESPONSE_BYTES', env.LABGATE_MAX_RESPONSE_BYTES, DEFAULT_MAX_RESPONSE_BYTES),
    authThrottle: parseBoolean('LABGATE_AUTH_THROTTLE', env.LABGATE_AUTH_THROTTLE, true),
    authFailuresMax: parsePositiveInt('LABGATE_AUTH_FAILURES_MAX', env.LABGATE_AUTH_FAILURES_MAX, AUTH_FAILURES_MAX),
    authFailuresWindowSeconds: parsePositiveInt(
      'LABGATE_AUTH_FAILURES_WINDOW_SECONDS',
      env.LABGATE_AUTH_FAILURES_WINDOW_SECONDS,
      AUTH_FAILURES_WINDOW_SECONDS,
    ),
    authBanSeconds: parsePositiveInt('LABGATE_AUTH_BAN_SECONDS', env.LABGATE_AUTH_BAN_SECONDS, AUTH_BAN_SECONDS),
    authTrustedIps: list(env.LABGATE_AUTH_TRUSTED_IPS, []),
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.LABGATE_REDIS_KEY_PREFIX || 'labgate:',
    logLevel: env.LABGATE_LOG_LEVEL || 'info',
    corsOrigins: list(env.LABGATE_CORS_ORIGINS, ['*']),
    // GitLab's `monitoring.ip_whitelist` default: the loopback addresses.
    monitoringIps: list(env.LABGATE_MONITORING_IPS, ['127.0.0.0/8', '::1/128']),
    shutdownTimeoutMs: parsePositiveInt('LABGATE_SHUTDOWN_TIMEOUT_MS', env.LABGATE_SHUTDOWN_TIMEOUT_MS, 10_000),
    workers: parsePositiveInt('LABGATE_WORKERS', env.LABGATE_WORKERS, 1),
    trustedProxies: list(env.LABGATE_TRUSTED_PROXIES, []),
    fineGrainedTokens: parseBoolean('LABGATE_FINE_GRAINED_TOKENS', env.LABGATE_FINE_GRAINED_TOKENS, true),
    registryUrl: env.LABGATE_REGISTRY_URL ? normalizeUrl('LABGATE_REGISTRY_URL', env.LABGATE_REGISTRY_URL) : undefined,
    registryKeyPath: env.LABGATE_REGISTRY_KEY || DEFAULT_REGISTRY_KEY_PATH,
    registryIssuer: env.LABGATE_REGISTRY_ISSUER || 'gitlab-issuer',
    repositoriesPath: env.LABGATE_REPOSITORIES_PATH || undefined,
    gitMaxPushBytes: parsePositiveInt('LABGATE_GIT_MAX_PUSH_BYTES', env.LABGATE_GIT_MAX_PUSH_BYTES, DEFAULT_GIT_MAX_PUSH_BYTES),
    tlsCert: env.LABGATE_TLS_CERT || undefined,
    tlsKey: env.LABGATE_TLS_KEY || undefined,
  };
  if (!config.tlsCert !== !config.tlsKey) throw new Error('LABGATE_TLS_CERT and LABGATE_TLS_KEY must be set together');
  return { ...config, ...overrides };
}

/**
 * `LABGATE_URL` when unset: the address the server listens on, as a browser on this machine would
 * write it (`localhost` for a loopback address, the machine's name for all addresses). With `PORT=0`
 * the port is `:0` until the server has one; `app.listen` then writes the port it got.
 */
export function defaultExternalUrl(host: string, port: number): string {
  let name = host;
  if (/^(127\.|::1$|localhost$)/.test(host) || host === '::ffff:127.0.0.1') name = 'localhost';
  else if (host === '0.0.0.0' || host === '::') name = os.hostname();
  else if (host.includes(':')) name = `[${host}]`;
  return new URL(`http://${name}:${port}`).toString().replace(/\/+$/, '');
}

/** Host part of the external URL, used for bot e-mail addresses (`noreply.<host>`). */
export function externalHost(config: Pick<Config, 'externalUrl'>): string {
  return new URL(config.externalUrl).hostname;
}
