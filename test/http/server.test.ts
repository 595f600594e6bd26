import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { createApp, type App } from '../../src/app';
import { ManualClock } from '../../src/clock';
import { loadConfig, type Config } from '../../src/config';
import { sqliteDatabase } from '../../src/db/adapters/driver-connections';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { startHarness, useHarness, type Harness } from '../helpers/harness';

const WHO = 'query Who { currentUser { username } }';

describe('HTTP server: CORS, headers, health, metrics', () => {
  const h = useHarness();
  let token: string;

  beforeAll(async () => {
    const alice = await h.createUser('alice');
    token = (await h.createPat(alice, ['api'])).secret;
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    h.request({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  describe('CORS on /api/* as GitLab answers it', () => {
    it('answers a preflight from any origin for the headers a GraphQL client sends, without credentials', async () => {
      const res = await h.request({
        method: 'OPTIONS',
        url: '/api/graphql',
        headers: {
          origin: 'https://frontend.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, private-token, content-type',
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, POST');
      expect(res.headers['access-control-allow-headers']?.toLowerCase()).toEqual(expect.stringContaining('private-token'));
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('marks API answers for any origin, and nothing else', async () => {
      const api = await post({ query: WHO }, { origin: 'https://frontend.example', authorization: `Bearer ${token}` });
      expect(api.body).toEqual({ data: { currentUser: { username: 'alice' } } });
      expect(api.headers['access-control-allow-origin']).toBe('*');
      const health = await h.request({ url: '/-/health', headers: { origin: 'https://frontend.example' } });
      expect(health.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('headers', () => {
    it('sends nosniff and no-store on API answers: a created token is never cached', async () => {
      const res = await post({ query: WHO });
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('echoes a well-formed X-Request-Id and makes one up otherwise', async () => {
      expect((await post({ query: WHO }, { 'x-request-id': 'trace-123.abc' })).headers['x-request-id']).toBe('trace-123.abc');
      const made = (await post({ query: WHO }, { 'x-request-id': 'bad id\nwith a newline' })).headers['x-request-id'];
      expect(made).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('health, as GitLab has it', () => {
    it('answers liveness, readiness and health to monitoring addresses', async () => {
      expect(await h.request({ url: '/-/liveness' })).toMatchObject({ status: 200, body: { status: 'ok' } });
      expect(await h.request({ url: '/-/readiness' })).toMatchObject({ status: 200, body: { status: 'ok', db_check: [{ status: 'ok' }] } });
      expect(await h.request({ url: '/-/health' })).toMatchObject({ status: 200, text: 'Labgate OK' });
    });

    it('answers 404 to any other address', async () => {
      for (const url of ['/-/liveness', '/-/readiness', '/-/health', '/-/metrics']) {
        expect((await h.request({ url, remoteAddress: '192.0.2.10' })).status).toBe(404);
      }
    });
  });

  describe('metrics', () => {
    it('serves Prometheus text with requests by operation, GraphQL errors, authentication outcomes and the process', async () => {
      await post({ query: WHO }, { authorization: `Bearer ${token}` });
      await post({ query: WHO }, { authorization: 'Bearer glpat-wrongwrongwrongwrong' });
      await post({ query: '{ nope }' });
      const res = await h.request({ url: '/-/metrics' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/^labgate_http_requests_total\{method="POST",path="\/api\/graphql",status="200"\} \d+$/m);
      expect(res.text).toMatch(/^labgate_http_request_duration_seconds_bucket\{le="[^"]+",path="\/api\/graphql",operation="Who"\} \d+$/m);
      expect(res.text).toMatch(/^labgate_graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} \d+$/m);
      expect(res.text).toMatch(/^labgate_auth_outcomes_total\{outcome="invalid"\} \d+$/m);
      expect(res.text).toMatch(/^labgate_auth_outcomes_total\{outcome="authenticated"\} \d+$/m);
      expect(res.text).toMatch(/^labgate_process_cpu_user_seconds_total \d/m);
    });

    it('labels REST requests by their route template, and requests that match no route as other', async () => {
      await h.request({ url: '/api/v4/projects/1', headers: { authorization: `Bearer ${token}` } });
      await h.request({ url: '/api/v4/projects/2', headers: { authorization: `Bearer ${token}` } });
      await h.request({ url: '/no/such/route' });
      const res = await h.request({ url: '/-/metrics' });
      const count = (path: string) =>
        [...res.text.matchAll(new RegExp(`^labgate_http_requests_total\\{method="GET",path="${path.replace(/[/]/g, '\\/')}",status="\\d+"\\} (\\d+)$`, 'gm'))]
          .reduce((sum, m) => sum + Number(m[1]), 0);
      expect(count('/api/v4/projects/:id')).toBe(2);
      expect(count('other')).toBeGreaterThanOrEqual(1);
      expect(res.text).not.toContain('path="/api/v4/projects/1"');
    });

    it('keeps label values bounded: operation names past the first hundred count as other', async () => {
      for (let i = 0; i < 130; i += 1) await post({ query: `query Op${i} { __typename }` });
      const text = (await h.request({ url: '/-/metrics' })).text;
      const operations = new Set([...text.matchAll(/operation="([^"]+)"/g)].map((m) => m[1]));
      expect(operations.size).toBeLessThanOrEqual(102);
      expect(operations.has('other')).toBe(true);
    });
  });
});

describe('readiness while the database is down', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { logErrors: false } });
  });
  afterAll(() => h.close().catch(() => h.db.drop()));

  it('answers readiness 503 in GitLab shape while liveness stays 200', async () => {
    if (h.db.kind === 'sqlite') {
      sqliteDatabase(h.app.dataSource)!.close();
    } else {
      await h.app.dataSource.destroy();
    }
    const ready = await h.request({ url: '/-/readiness' });
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'failed', db_check: [{ status: 'failed', message: expect.any(String) }] });
    expect((await h.request({ url: '/-/liveness' })).status).toBe(200);
  });
});

describe('the request log', () => {
  let db: TestDatabase;
  let app: App;
  const lines: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    const config: Config = loadConfig({}, { databaseUrl: db.url, externalUrl: 'http://example.com', logLevel: 'info' });
    app = await createApp(config, { clock: new ManualClock('2026-01-15T12:00:00.000Z'), logStream: stream });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('writes one JSON line per request with id, method, path, status, duration, operation, user and token', async () => {
    const { RequestContext } = await import('../../src/core/context');
    const system = new RequestContext(app, null, { system: true });
    const bob = await app.services.users.create(system, { username: 'bob', name: 'Bob', email: 'bob@example.com' });
    const issued = await app.services.tokens.createPersonal(system, bob, { name: 'log', scopes: ['api'] });
    lines.length = 0;
    await app.handle({
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${issued.secret}`, 'x-request-id': 'req-1' },
      body: JSON.stringify({ query: WHO }),
    });
    const records = lines.map((l) => JSON.parse(l));
    expect(records).toEqual([
      expect.objectContaining({ requestId: 'req-1', method: 'POST', path: '/api/graphql', status: 200, operation: 'Who', userId: bob.id, tokenId: issued.token.id, durationMs: expect.any(Number), dbMs: expect.any(Number) }),
    ]);
    // Authentication read the token and its user: that time is the request's database time.
    expect(records[0].dbMs).toBeGreaterThan(0);
    // Exactly these fields, no more: what a log collector parses (issue 25 changed how they are written, not what).
    expect(Object.keys(records[0]).sort()).toEqual(
      ['dbMs', 'durationMs', 'hostname', 'level', 'method', 'msg', 'operation', 'path', 'pid', 'requestId', 'status', 'time', 'tokenId', 'userId'].sort(),
    );

    // A REST request's line counts its database time too, and a request that reads nothing counts none.
    lines.length = 0;
    await app.handle({ method: 'GET', url: '/api/v4/user', headers: { 'private-token': issued.secret } });
    await app.handle({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    const [rest, anonymous] = lines.map((l) => JSON.parse(l));
    expect(rest).toMatchObject({ path: '/api/v4/user', status: 200, userId: bob.id });
    expect(rest.dbMs).toBeGreaterThan(0);
    expect(anonymous.dbMs).toBe(0);
  });

  it('never writes a token, however it was sent', async () => {
    const secret = 'glpat-ThisMustNeverBeLogged0123';
    lines.length = 0;
    const body = JSON.stringify({ query: `{ echo(text: "${secret}") }` });
    await app.handle({ method: 'POST', url: `/api/graphql?private_token=${secret}`, headers: { 'content-type': 'application/json' }, body });
    await app.handle({ method: 'POST', url: `/api/graphql?access_token=${secret}`, headers: { 'content-type': 'application/json' }, body });
    await app.handle({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` }, body });
    await app.handle({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json', 'private-token': secret }, body });
    await app.handle({ method: 'GET', url: `/nowhere/${secret}`, headers: {} });
    // A request id shaped like a token is replaced by one of the server's, in the log and the answer.
    const echoed = await app.handle({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json', 'x-request-id': secret }, body });
    expect(echoed.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    // Other parameters that carry secrets, by name, with the underscore percent-encoded too.
    await app.handle({ method: 'GET', url: `/api/v4/user?private%5Ftoken=s3cr3t-one&job_token=s3cr3t-two&client_secret=s3cr3t-three&password=s3cr3t-four`, headers: {} });
    expect(lines.length).toBeGreaterThanOrEqual(7);
    const log = lines.join('\n');
    expect(log).not.toContain('ThisMustNeverBeLogged');
    expect(log).not.toContain('s3cr3t');
    expect(log).toContain('private_token=[FILTERED]');
  });
});

/** Whether a new TCP connection to the port is accepted (closed again at once). */
function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('graceful shutdown', () => {
  it('finishes every request in flight, then refuses new connections', async () => {
    const h = await startHarness();
    try {
      const { port } = await h.app.listen(0, '127.0.0.1');
      const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
      const query = JSON.stringify({ query: '{ projects(first: 50) { nodes { id } } users { nodes { username } } }' });
      let finishedAfterClose = 0;
      let closing = false;
      const send = () =>
        new Promise<number>((resolve, reject) => {
          const req = http.request({ port, host: '127.0.0.1', path: '/api/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
            res.resume();
            res.on('end', () => {
              if (closing) finishedAfterClose += 1;
              resolve(res.statusCode ?? 0);
            });
          });
          req.on('error', reject);
          req.end(query);
        });
      await Promise.all(Array.from({ length: 20 }, send)); // open the keep-alive connections
      // One request per connection, each held inside its resolver until the server has been told to
      // close: a pause of a few milliseconds instead did not make sure, on a busy machine, that every
      // request had reached the server before the close (a connection still idle then is closed).
      let entered = 0;
      let allEntered!: () => void;
      const everyRequestInside = new Promise<void>((resolve) => (allEntered = resolve));
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const list = h.app.services.projects.list.bind(h.app.services.projects);
      const held = jest.spyOn(h.app.services.projects, 'list').mockImplementation(async (...args) => {
        if (++entered === 20) allEntered();
        await released;
        return list(...args);
      });
      const inFlight = Array.from({ length: 20 }, send);
      await everyRequestInside;
      closing = true;
      const closed = h.app.close();
      // Released once the server refuses new connections: the close has begun while all 20 are in flight.
      while (await connects(port)) await new Promise((resolve) => setTimeout(resolve, 10));
      release();
      const statuses = await Promise.all(inFlight);
      await closed;
      held.mockRestore();
      expect(statuses).toEqual(Array(20).fill(200));
      expect(finishedAfterClose).toBe(20);
      await expect(fetch(`http://127.0.0.1:${port}/-/liveness`)).rejects.toThrow();
      agent.destroy();
    } finally {
      await h.close().catch(() => undefined);
    }
  });

  // `labgate serve --workers 2` (the shared port, every worker stopped by a signal) is in test/cli/signals.test.ts.

  it('`labgate serve` exits 0 on SIGTERM after answering', async () => {
    const db = await createTestDatabase();
    try {
      const child = spawn(process.execPath, ['-r', path.join(__dirname, '../helpers/ts-register.js'), path.join(__dirname, '../../src/main.ts')], {
        env: { ...process.env, DATABASE_URL: db.kind === 'sqlite' ? `sqlite:${path.join(require('node:os').tmpdir(), `labgate-sigterm-${process.pid}.sqlite`)}` : db.url, PORT: '0', LABGATE_LOG_LEVEL: 'silent' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      // The human lines go to standard error; standard output holds only the JSON log.
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start: ${out}`)), 120_000);
        child.stderr.on('data', () => {
          const m = /listening on http:\/\/[^:]+:(\d+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      const res = await fetch(`http://127.0.0.1:${port}/-/liveness`);
      expect(res.status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(out).toContain('SIGTERM received');
    } finally {
      await db.drop();
    }
  }, 180_000);
});
