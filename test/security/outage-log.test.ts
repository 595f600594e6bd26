import { cutDatabaseOff } from '../helpers/database';
import { useHarness } from '../helpers/harness';

/**
 * Issue 18: during a database outage, each failed request also wrote a pino error line with a stack,
 * besides the one line the README promises. With the request log on, a failed request now writes
 * its `[labgate] database error` line and its request line (status 500), and nothing else.
 */
describe('the request log during a database outage', () => {
  const h = useHarness({ config: { logLevel: 'info', logErrors: true }, captureLog: true });
  let secret: string;

  beforeAll(async () => {
    const dave = await h.createUser('dave', { name: 'Dave' });
    secret = (await h.createPat(dave, ['api'], { name: 'outage' })).secret;
    await cutDatabaseOff(h.db, h.app.dataSource);
  });

  it('writes one request line per failed request, and no error line with a stack', async () => {
    const printed: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void printed.push(args.map(String).join(' ')));
    try {
      h.log.length = 0;
      const json = { 'content-type': 'application/json' };
      const requests = [
        // Authentication reads the database first: the failure reaches the HTTP layer's error handler.
        { method: 'POST', url: '/api/graphql', headers: { ...json, authorization: `Bearer ${secret}` }, body: '{"query":"{ currentUser { id } }"}' },
        { method: 'GET', url: '/api/v4/user', headers: { 'private-token': secret } },
        { method: 'GET', url: '/api/v4/projects', headers: {} },
        { method: 'POST', url: '/api/graphql', headers: json, body: '{"query":"{ projects { nodes { id } } }"}' },
      ];
      for (const request of requests) {
        const res = await h.app.handle(request);
        expect(res.status === 500 || JSON.parse(res.body).errors?.[0]?.message === 'Internal server error').toBe(true);
      }
      const records = h.log.map((l) => JSON.parse(l));
      expect(records.map((r) => r.msg)).toEqual(['request', 'request', 'request', 'request']);
      expect(records.filter((r) => r.level >= 50)).toEqual([]);
      expect(h.log.join('\n')).not.toMatch(/\s+at /);
      // The README's one line per failed request, on standard error.
      expect(printed).toHaveLength(requests.length);
      expect(printed.every((p) => p.startsWith('[labgate] database error: '))).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});
