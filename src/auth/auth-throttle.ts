import cluster from 'node:cluster';
import type { Redis } from 'ioredis';
import {
  RateLimiterCluster,
  RateLimiterClusterMaster,
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Config } from '../config';
import type { HttpResponse } from '../core/http-response';
import { AddressList, normalizeAddress } from '../core/address-list';
import { AUTH_BANNED_MESSAGE, AUTH_THROTTLE_REDIS_TIMEOUT_MS } from './limits';

/*
 * Failed-authentication ban per client address, modelled on GitLab's `Gitlab::Auth::IpRateLimiter`
 * (lib/gitlab/auth/ip_rate_limiter.rb, with `Gitlab::Auth.find_for_git_client` in lib/gitlab/auth.rb):
 *
 * - Only a request that presents credentials is looked at: GitLab checks `banned?` at the start of
 *   `find_for_git_client`, which runs only when credentials were sent, and raises `IpBlocked`; a banned
 *   address can still make anonymous requests.
 * - A failed authentication adds one to the address's counter; when the counter reaches the maximum
 *   within the window (Rack::Attack's Allow2Ban: `maxretry`, `findtime`), the address is banned for
 *   `bantime`. The request that reaches the maximum still gets its 401; the next one gets the ban.
 * - A successful authentication clears the counter ("repeated login failures are normal behaviour for
 *   some Git clients").
 * - Addresses on the allowlist (`ip_whitelist`, CIDR ranges allowed) are never counted nor banned.
 *   GitLab's allowlist defaults to 127.0.0.1; Labgate's is empty by default, so that loopback clients
 *   (and its own multi-process tests) are throttled like any other. Set LABGATE_AUTH_TRUSTED_IPS to
 *   allow a reverse proxy or a monitoring host.
 * - The answer to a banned address is HTTP 403 with the plain-text body
 *   `Too many failed authentication attempts from this IP` and no Retry-After header (GitLab's
 *   ApplicationController `rescue_from Gitlab::Auth::IpBlocked`; its rate-limit documentation says no
 *   response headers are provided).
 *
 * The counting itself is rate-limiter-flexible: in memory for one process, in Redis when a URL is
 * given, so that several Labgate processes share one counter per address. What is ours is the ban
 * rule above and the failure policy: when Redis fails, the throttle fails open (nothing is counted,
 * nobody is banned) and says so once per outage instead of once per request.
 */

export interface BanStatus {
  banned: boolean;
  /** Seconds until the ban ends, when banned. */
  retryAfterSeconds?: number;
  /** Failures counted in the current window (absent: none, or not known). */
  failures?: number;
}

export interface AuthThrottleOptions {
  /** Failed authentications within the window that lead to a ban. */
  maxFailures: number;
  windowSeconds: number;
  banSeconds: number;
  /** Addresses and CIDR ranges that are never counted nor banned. */
  trustedIps?: string[];
  /** Shares the counters through Redis; in process memory when absent. */
  redisUrl?: string;
  /** Prefix of the Redis keys (default `labgate:`). */
  keyPrefix?: string;
  /** Receives the one line logged per Redis outage (and the line when it recovers). */
  log?: (line: string) => void;
  /**
   * Without Redis, in a worker of `labgate serve --workers N`: the counters live in the supervisor
   * process (rate-limiter-flexible's cluster limiter, over the workers' IPC channel), so that the
   * workers of one server count one address together instead of N times 30 failures before a ban.
   */
  viaSupervisor?: boolean;
}

/** Set in the environment of the workers whose supervisor keeps the counters (`shareThrottleWithWorkers`). */
const VIA_SUPERVISOR_ENV = 'LABGATE_AUTH_THROTTLE_VIA_SUPERVISOR';

/**
 * Run by the supervisor of `--workers N` before it forks: without Redis, it keeps the failure counters
 * for its workers. Returns what to add to each worker's environment.
 */
export function shareThrottleWithWorkers(config: Config): Record<string, string> {
  if (!config.authThrottle || config.redisUrl) return {};
  new RateLimiterClusterMaster();
  return { [VIA_SUPERVISOR_ENV]: '1' };
}

/** How long `create` waits for a first Redis connection before serving anyway (failing open). */
const REDIS_CONNECT_WAIT_MS = 1_000;

const NOT_BANNED: BanStatus = { banned: false };

/** The response to a request from a banned address: GitLab's status and text. */
export function bannedResponse(): HttpResponse {
  return { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: AUTH_BANNED_MESSAGE };
}

export class AuthThrottle {
  private readonly trusted: AddressList;
  private readonly log: (line: string) => void;
  /** Set from the first Redis failure until Redis is ready again: the outage has been logged. */
  private failing = false;
  private closed = false;

  private constructor(
    private readonly options: AuthThrottleOptions,
    private readonly limiter: RateLimiterAbstract,
    private readonly redis: Redis | null,
  ) {
    this.trusted = new AddressList(options.trustedIps ?? [], 'LABGATE_AUTH_TRUSTED_IPS');
    this.log = options.log ?? ((line) => console.error(line));
    redis?.on('error', (error: Error) => this.fail(error));
    redis?.on('ready', () => this.recover());
  }

  /** A throttle on Redis when `redisUrl` is set (waiting briefly for the connection), else in memory. */
  static async create(options: AuthThrottleOptions): Promise<AuthThrottle> {
    const limits = { points: options.maxFailures, duration: options.windowSeconds };
    if (!options.redisUrl && options.viaSupervisor) {
      const shared = new RateLimiterCluster({ ...limits, keyPrefix: `${options.keyPrefix ?? 'labgate:'}auth-failures`, timeoutMs: AUTH_THROTTLE_REDIS_TIMEOUT_MS });
      return new AuthThrottle(options, shared, null);
    }
    if (!options.redisUrl) return new AuthThrottle(options, new RateLimiterMemory(limits), null);

    // ioredis is loaded only here: most servers run without Redis, and loading it costs start-up time.
    const { Redis: RedisClient } = await import('ioredis');
    const redis = new RedisClient(options.redisUrl, {
      lazyConnect: true,
      // Fail at once rather than queue while disconnected, and never wait long on a slow server.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: AUTH_THROTTLE_REDIS_TIMEOUT_MS,
      connectTimeout: 2_000,
      // After a refused connection, ioredis's disconnect() waits this long for a socket that is already gone.
      disconnectTimeout: 100,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
    });
    const limiter = new RateLimiterRedis({
      ...limits,
      storeClient: redis,
      keyPrefix: `${options.keyPrefix ?? 'labgate:'}auth-failures`,
      rejectIfRedisNotReady: true,
    });
    const throttle = new AuthThrottle(options, limiter, redis);
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        redis.off('ready', done);
        redis.off('error', done);
        resolve();
      };
      const timer = setTimeout(done, REDIS_CONNECT_WAIT_MS);
      redis.once('ready', done);
      redis.once('error', done);
      redis.connect().catch(() => undefined);
    });
    return throttle;
  }

  /** Whether requests with a token from this address are refused now. */
  async check(address: string | undefined): Promise<BanStatus> {
    const key = this.keyOf(address);
    if (key === null) return NOT_BANNED;
    const state = await this.guard(() => this.limiter.get(key), null);
    if (!state) return NOT_BANNED;
    if (state.consumedPoints < this.options.maxFailures) return { banned: false, failures: state.consumedPoints };
    return { banned: true, retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
  }

  /** Counts one failed authentication; bans the address when it reaches the maximum. */
  async recordFailure(address: string | undefined): Promise<BanStatus> {
    const key = this.keyOf(address);
    if (key === null) return NOT_BANNED;
    return this.guard(async () => {
      let counted: RateLimiterRes;
      try {
        counted = await this.limiter.consume(key);
      } catch (rejection) {
        // Above the maximum already (a ban written by another process in the meantime): leave it as is.
        if (rejection instanceof RateLimiterRes) return { banned: true, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
        throw rejection;
      }
      if (counted.consumedPoints < this.options.maxFailures) return NOT_BANNED;
      await this.limiter.block(key, this.options.banSeconds);
      return { banned: true, retryAfterSeconds: this.options.banSeconds };
    }, NOT_BANNED);
  }

  /** A successful authentication clears the address's failures, as GitLab's `reset!` does. */
  async recordSuccess(address: string | undefined): Promise<void> {
    const key = this.keyOf(address);
    if (key === null) return;
    await this.guard(() => this.limiter.delete(key), false);
  }

  /**
   * Applies one authentication outcome: `invalid` counts, `authenticated` clears, others change
   * nothing. `checked` is what `check` found just before: a success with no failures counted has
   * nothing to clear, so the common case costs no second round trip to the store.
   */
  async recordOutcome(address: string | undefined, outcome: string, checked?: BanStatus): Promise<void> {
    if (outcome === 'invalid') await this.recordFailure(address);
    else if (outcome === 'authenticated' && (checked?.failures ?? 1) > 0) await this.recordSuccess(address);
  }

  /** Whether the counters live in Redis (the readiness check then asks Redis too). */
  get usesRedis(): boolean {
    return this.redis !== null;
  }

  /** Answers when Redis does; rejects when it does not. */
  async ping(): Promise<void> {
    if (!this.redis) return;
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
    await this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.redis) return;
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis!.disconnect());
    else this.redis.disconnect();
  }

  /** The counter key of an address, or null when it is not throttled (unknown or trusted). */
  private keyOf(address: string | undefined): string | null {
    // A request without a socket (the in-process handler) has no address to count or ban.
    if (!address || this.closed) return null;
    const normalized = normalizeAddress(address);
    return this.trusted.includes(normalized) ? null : normalized;
  }

  /** Runs one counter operation; a store failure is logged once and answered with `fallback`. */
  private async guard<T>(operation: () => Promise<T>, fallback: T): Promise<T> {
    try {
      const result = await operation();
      if (this.failing && (this.redis === null || this.redis.status === 'ready')) this.recover();
      return result;
    } catch (error) {
      this.fail(error);
      return fallback;
    }
  }

  private fail(error: unknown): void {
    if (this.failing || this.closed) return;
    this.failing = true;
    const reason = error instanceof Error ? error.message : String(error);
    const store = this.redis ? 'Redis' : 'the supervisor process';
    this.log(`[labgate] auth throttle: ${store} unavailable (${reason}); failed authentications are not counted until it is back`);
  }

  private recover(): void {
    if (!this.failing || this.closed) return;
    this.failing = false;
    this.log(`[labgate] auth throttle: ${this.redis ? 'Redis' : 'the supervisor process'} is back; failed authentications are counted again`);
  }
}

/** The throttle a Labgate process runs with, or null when LABGATE_AUTH_THROTTLE is off. */
export function createAuthThrottle(config: Config): Promise<AuthThrottle | null> {
  if (!config.authThrottle) return Promise.resolve(null);
  return AuthThrottle.create({
    maxFailures: config.authFailuresMax,
    windowSeconds: config.authFailuresWindowSeconds,
    banSeconds: config.authBanSeconds,
    trustedIps: config.authTrustedIps,
    redisUrl: config.redisUrl,
    keyPrefix: config.redisKeyPrefix,
    log: config.logErrors ? (line) => console.error(line) : () => undefined,
    viaSupervisor: cluster.isWorker && process.env[VIA_SUPERVISOR_ENV] === '1',
  });
}
