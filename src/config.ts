import path from 'node:path';
import { DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT_MS, AUTH_BAN_SECONDS, AUTH_FAILURES_MAX, AUTH_FAILURES_WINDOW_SECONDS } from './graphql/limits';

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
}

export const DEFAULT_SQLITE_PATH = path.join('data', 'labgate.sqlite');

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

function parseThrottleNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const config: Config = {
    databaseUrl: env.DATABASE_URL || `sqlite:${DEFAULT_SQLITE_PATH}`,
    port: parsePort(env.PORT, 3000),
    host: env.HOST || '127.0.0.1',
    externalUrl: normalizeUrl('LABGATE_URL', env.LABGATE_URL || 'http://localhost:3000'),
    saas: parseBoolean('LABGATE_SAAS', env.LABGATE_SAAS, false),
    requireTokenExpiry: parseBoolean('LABGATE_REQUIRE_TOKEN_EXPIRY', env.LABGATE_REQUIRE_TOKEN_EXPIRY, true),
    bufferedTokenExpirationLimit: parseBoolean(
      'LABGATE_BUFFERED_TOKEN_EXPIRATION_LIMIT',
      env.LABGATE_BUFFERED_TOKEN_EXPIRATION_LIMIT,
      false,
    ),
    logErrors: parseBoolean('LABGATE_LOG_ERRORS', env.LABGATE_LOG_ERRORS, true),
    requestTimeoutMs: parseThrottleNumber('LABGATE_REQUEST_TIMEOUT_MS', env.LABGATE_REQUEST_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS),
    maxResponseBytes: parseThrottleNumber('LABGATE_MAX_RESPONSE_BYTES', env.LABGATE_MAX_RESPONSE_BYTES, DEFAULT_MAX_RESPONSE_BYTES),
    authThrottle: parseBoolean('LABGATE_AUTH_THROTTLE', env.LABGATE_AUTH_THROTTLE, true),
    authFailuresMax: parseThrottleNumber('LABGATE_AUTH_FAILURES_MAX', env.LABGATE_AUTH_FAILURES_MAX, AUTH_FAILURES_MAX),
    authFailuresWindowSeconds: parseThrottleNumber(
      'LABGATE_AUTH_FAILURES_WINDOW_SECONDS',
      env.LABGATE_AUTH_FAILURES_WINDOW_SECONDS,
      AUTH_FAILURES_WINDOW_SECONDS,
    ),
    authBanSeconds: parseThrottleNumber('LABGATE_AUTH_BAN_SECONDS', env.LABGATE_AUTH_BAN_SECONDS, AUTH_BAN_SECONDS),
    authTrustedIps: (env.LABGATE_AUTH_TRUSTED_IPS ?? '').split(',').map((entry) => entry.trim()).filter(Boolean),
    redisUrl: env.REDIS_URL || undefined,
    redisKeyPrefix: env.LABGATE_REDIS_KEY_PREFIX || 'labgate:',
  };
  return { ...config, ...overrides };
}

/** Host part of the external URL, used for bot e-mail addresses (`noreply.<host>`). */
export function externalHost(config: Pick<Config, 'externalUrl'>): string {
  return new URL(config.externalUrl).hostname;
}
