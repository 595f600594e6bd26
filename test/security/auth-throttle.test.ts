import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { AuthThrottle } from '../../src/auth/auth-throttle';
import type { Config } from '../../src/config';
import { AUTH_BANNED_MESSAGE } from '../../src/auth/limits';
import { AUTH_BAN_SECONDS, AUTH_FAILURES_MAX, AUTH_FAILURES_WINDOW_SECONDS } from '../../src/config';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * Failed-authentication ban per client address, as GitLab's `Gitlab::Auth::IpRateLimiter` does it:
 * after N wrong tokens within the window from one address, requests with a token from that address
 * get HTTP 403 `Too many failed authentication attempts from this IP` (plain text) until the ban
 * ends. GitLab raises that for Git and registry authentication; applying it to the GraphQL endpoint,
 * with the same status and text, is Labgate's reading of the issue (inferred, GitLab's GraphQL
 * controller has no such check).
 */

const QUERY = JSON.stringify({ query: '{ currentUser { username } }' });
const WRONG_TOKEN = 'glpat-wrongwrongwrongwrong';
const REDIS_URL = process.env.LABGATE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function send(h: Harness, remoteAddress: string | undefined, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return h.request({ method: 'POST', url: '/api/graphql', headers, body: QUERY, remoteAddress });
}

async function fail(h: Harness, remoteAddress: string | undefined, times: number) {
  for (let i = 0; i < times; i++) {
    const res = await send(h, remoteAddress, WRONG_TOKEN);
    expect(res.status).toBe(401);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('failed-authentication ban (one process, counters in memory)', () => {
  it("uses GitLab's documented numbers by default: 30 failures in 60 s, a one-hour ban", () => {
    expect([AUTH_FAILURES_MAX, AUTH_FAILURES_WINDOW_SECONDS, AUTH_BAN_SECONDS]).toEqual([30, 60, 3600]);
  });

  describe('with the default limits', () => {
    let h: Harness;
    let token: string;

    beforeAll(async () => {
      h = await startHarness({ config: { logErrors: false } });
      token = (await h.createPat(await h.createUser('alice'), ['api'])).secret;
    });
    afterAll(() => h.close());

    it("answers the 31st request after 30 wrong tokens with GitLab's 403, even with a valid token", async () => {
      await fail(h, '203.0.113.10', 30);
      const refused = await send(h, '203.0.113.10', token);
      expect(refused.status).toBe(403);
      expect(refused.headers['content-type']).toMatch(/^text\/plain/);
      expect(refused.text).toBe(AUTH_BANNED_MESSAGE);
      expect(refused.headers['retry-after']).toBeUndefined();
      // Still banned: a wrong token gets the ban too, not a 401.
      expect((await send(h, '203.0.113.10', WRONG_TOKEN)).status).toBe(403);
    });

    it('counts wrong tokens sent to the REST API too, and bans there as on GraphQL (one counter per address)', async () => {
      const rest = (tokenValue: string) =>
        h.request({ method: 'GET', url: '/api/v4/user', headers: { 'private-token': tokenValue }, remoteAddress: '203.0.113.77' });
      for (let i = 0; i < 15; i++) expect((await rest(WRONG_TOKEN)).status).toBe(401);
      await fail(h, '203.0.113.77', 15);
      const refused = await rest(token);
      expect(refused.status).toBe(403);
      expect(refused.text).toBe(AUTH_BANNED_MESSAGE);
      expect((await send(h, '203.0.113.77', token)).status).toBe(403);
    });

    it('leaves other addresses alone', async () => {
      const ok = await send(h, '203.0.113.11', token);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ data: { currentUser: { username: 'alice' } } });
      expect((await send(h, '203.0.113.11', WRONG_TOKEN)).status).toBe(401);
    });

    it('still serves anonymous requests from a banned address (GitLab checks the ban only where credentials are sent)', async () => {
      const anonymous = await send(h, '203.0.113.10');
      expect(anonymous.status).toBe(200);
      expect(anonymous.body).toEqual({ data: { currentUser: null } });
    });

    it('clears the count on a successful authentication: 29 failures, a success, 29 failures is no ban', async () => {
      await fail(h, '203.0.113.12', 29);
      expect((await send(h, '203.0.113.12', token)).status).toBe(200);
      await fail(h, '203.0.113.12', 29);
      expect((await send(h, '203.0.113.12', token)).status).toBe(200);
    });

    it('counts an IPv4 client the same whether the socket reports it plain or IPv4-mapped', async () => {
      await fail(h, '::ffff:203.0.113.13', 15);
      await fail(h, '203.0.113.13', 15);
      expect((await send(h, '::ffff:203.0.113.13', token)).status).toBe(403);
      expect((await send(h, '203.0.113.13', token)).status).toBe(403);
    });

    it('never counts a request without a client address (the in-process handler)', async () => {
      await fail(h, undefined, 40);
      expect((await send(h, undefined, token)).status).toBe(200);
    });
  });

  it('never counts nor bans a trusted address or range (GitLab: rack_attack.git_basic_auth.ip_whitelist)', async () => {
    const h = await startHarness({ config: { logErrors: false, authFailuresMax: 3, authTrustedIps: ['10.0.0.0/8', '2001:db8::1'] } });
    try {
      const token = (await h.createPat(await h.createUser('alice'), ['api'])).secret;
      await fail(h, '10.1.2.3', 10);
      await fail(h, '2001:db8::1', 10);
      expect((await send(h, '10.1.2.3', token)).status).toBe(200);
      expect((await send(h, '2001:db8::1', token)).status).toBe(200);
      await fail(h, '192.0.2.1', 3);
      expect((await send(h, '192.0.2.1', token)).status).toBe(403);
    } finally {
      await h.close();
    }
  });

  it('does nothing when LABGATE_AUTH_THROTTLE is off', async () => {
    const h = await startHarness({ config: { logErrors: false, authThrottle: false, authFailuresMax: 3 } });
    try {
      await fail(h, '192.0.2.2', 10);
      expect(h.app.authThrottle).toBeNull();
    } finally {
      await h.close();
    }
  });

  it('lifts the ban when the ban time has passed, and forgets failures older than the window', async () => {
    const h = await startHarness({ config: { logErrors: false, authFailuresMax: 3, authFailuresWindowSeconds: 1, authBanSeconds: 1 } });
    try {
      const token = (await h.createPat(await h.createUser('alice'), ['api'])).secret;
      await fail(h, '192.0.2.3', 3);
      expect((await send(h, '192.0.2.3', token)).status).toBe(403);
      // Failures spread over more than the window never add up to a ban.
      await fail(h, '192.0.2.4', 2);
      await sleep(1_100);
      expect((await send(h, '192.0.2.3', token)).status).toBe(200);
      await fail(h, '192.0.2.4', 2);
      expect((await send(h, '192.0.2.4', token)).status).toBe(200);
    } finally {
      await h.close();
    }
  });

  it('reports how long a ban has left', async () => {
    const throttle = await AuthThrottle.create({ maxFailures: 2, windowSeconds: 60, banSeconds: 120 });
    try {
      expect(await throttle.recordFailure('198.51.100.1')).toEqual({ banned: false });
      expect(await throttle.recordFailure('198.51.100.1')).toEqual({ banned: true, retryAfterSeconds: 120 });
      const status = await throttle.check('198.51.100.1');
      expect(status.banned).toBe(true);
      expect(status.retryAfterSeconds).toBeGreaterThan(115);
      expect(status.retryAfterSeconds).toBeLessThanOrEqual(120);
      expect(await throttle.check('198.51.100.2')).toEqual({ banned: false });
    } finally {
      await throttle.close();
    }
  });
});

describe('failed-authentication ban shared through Redis', () => {
  // A key prefix of this run's own, so that runs (and CI jobs on one Redis) never see each other's counters.
  const prefix = `labgate-test:${process.pid}-${randomBytes(4).toString('hex')}:`;
  let redis: Redis;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    // CI and this machine run Redis at 127.0.0.1:6379 (.ci/run starts it when needed): no skipping.
    await redis.connect();
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const redisConfig = (extra: Partial<Config> = {}): Partial<Config> => ({ logErrors: false, redisUrl: REDIS_URL, redisKeyPrefix: prefix, ...extra });

  it('counts failures seen by one process in the other, over real sockets', async () => {
    const a = await startHarness({ config: redisConfig() });
    const b = await startHarness({ config: redisConfig() });
    try {
      const tokenA = (await a.createPat(await a.createUser('alice'), ['api'])).secret;
      const tokenB = (await b.createPat(await b.createUser('bob'), ['api'])).secret;
      const baseA = `http://127.0.0.1:${(await a.app.listen(0, '127.0.0.1')).port}/api/graphql`;
      const baseB = `http://127.0.0.1:${(await b.app.listen(0, '127.0.0.1')).port}/api/graphql`;
      const post = (base: string, token: string) =>
        fetch(base, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: QUERY });

      for (let i = 0; i < 15; i++) expect((await post(baseA, WRONG_TOKEN)).status).toBe(401);
      for (let i = 0; i < 15; i++) expect((await post(baseB, WRONG_TOKEN)).status).toBe(401);
      expect(await redis.exists(`${prefix}auth-failures:127.0.0.1`)).toBe(1);

      for (const [base, token] of [[baseA, tokenA], [baseB, tokenB]]) {
        const refused = await post(base, token);
        expect(refused.status).toBe(403);
        expect(await refused.text()).toBe(AUTH_BANNED_MESSAGE);
      }
      // The in-process handler of either (no socket address) is not affected.
      expect((await send(a, undefined, tokenA)).status).toBe(200);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('clears the shared count when either process sees a successful authentication', async () => {
    const a = await startHarness({ config: redisConfig({ authFailuresMax: 4 }) });
    const b = await startHarness({ config: redisConfig({ authFailuresMax: 4 }) });
    try {
      const tokenB = (await b.createPat(await b.createUser('bob'), ['api'])).secret;
      await fail(a, '192.0.2.50', 3);
      expect((await send(b, '192.0.2.50', tokenB)).status).toBe(200);
      await fail(a, '192.0.2.50', 3);
      await fail(b, '192.0.2.50', 1);
      expect((await send(b, '192.0.2.50', tokenB)).status).toBe(403);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('fails open when Redis is unreachable: requests are served and one line is logged', async () => {
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '));
    });
    try {
      const h = await startHarness({ config: redisConfig({ logErrors: true, redisUrl: 'redis://127.0.0.1:1', authFailuresMax: 3 }) });
      try {
        const token = (await h.createPat(await h.createUser('alice'), ['api'])).secret;
        await fail(h, '192.0.2.60', 20);
        expect((await send(h, '192.0.2.60', token)).status).toBe(200);
        await sleep(500); // let the client retry the connection a few times in the background
        await fail(h, '192.0.2.60', 5);
      } finally {
        await h.close();
      }
      const throttleLines = lines.filter((line) => line.includes('auth throttle'));
      expect(throttleLines).toHaveLength(1);
      expect(throttleLines[0]).toMatch(/Redis unavailable/);
      expect(lines).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('behind a reverse proxy', () => {
  /** Posts over a real socket from 127.0.0.1, the proxy, naming the client in X-Forwarded-For. */
  async function viaProxy(base: string, client: string, token: string) {
    return fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': client },
      body: QUERY,
    });
  }

  it('counts failures per client named by a trusted proxy, and ignores the header from anyone else', async () => {
    const trusted = await startHarness({ config: { authFailuresMax: 3, trustedProxies: ['127.0.0.1'] } });
    const untrusted = await startHarness({ config: { authFailuresMax: 3 } });
    try {
      const alice = await trusted.createUser('alice');
      const good = (await trusted.createPat(alice, ['api'])).secret;
      const base = `http://127.0.0.1:${(await trusted.app.listen(0, '127.0.0.1')).port}/api/graphql`;
      for (let i = 0; i < 3; i += 1) expect((await viaProxy(base, '198.51.100.7', WRONG_TOKEN)).status).toBe(401);
      // The banned client is the one the proxy named, not the proxy: another client still gets in.
      expect((await viaProxy(base, '198.51.100.7', good)).status).toBe(403);
      expect((await viaProxy(base, '198.51.100.8', good)).status).toBe(200);

      // Without a trusted proxy the header is the client's own claim: the socket's address counts.
      const bob = await untrusted.createUser('bob');
      const bobToken = (await untrusted.createPat(bob, ['api'])).secret;
      const direct = `http://127.0.0.1:${(await untrusted.app.listen(0, '127.0.0.1')).port}/api/graphql`;
      for (let i = 0; i < 3; i += 1) expect((await viaProxy(direct, `203.0.113.${i}`, WRONG_TOKEN)).status).toBe(401);
      expect((await viaProxy(direct, '203.0.113.99', bobToken)).status).toBe(403);
    } finally {
      await trusted.close();
      await untrusted.close();
    }
  });
});
