import { cutDatabaseOff } from '../helpers/database';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * While the database is down, every request fails; the log must stay readable: one line per failing
 * request, no stack trace, and never a statement's parameters (they include token digests).
 */
describe('a database outage', () => {
  let h: Harness;
  let secret: string;
  let digest: string;
  let logged: string[];
  let spy: jest.SpyInstance;

  beforeAll(async () => {
    h = await startHarness();
    const alice = await h.createUser('alice');
    const issued = await h.createPat(alice, ['api']);
    secret = issued.secret;
    digest = (await h.app.dataSource.query(`SELECT token_digest FROM personal_access_tokens WHERE id = ${issued.token.id}`))[0].token_digest;
    await h.createGroup('acme', { visibility: 'public' });

    await cutDatabaseOff(h.db, h.app.dataSource);
  });
  afterAll(async () => {
    spy?.mockRestore();
    await h.close().catch(() => h.db.drop());
  });

  beforeEach(() => {
    logged = [];
    spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  });
  afterEach(() => spy.mockRestore());

  it('answers every request with an error and logs one line each, without stack or parameters', async () => {
    const requests = [
      () => h.gql('{ group(fullPath: "acme") { id name projects { nodes { id } } } groups { nodes { id } } }'),
      () => h.gql('{ currentUser { id } }', undefined, { token: secret }),
      () => h.gql('{ projects { nodes { id } } users { nodes { id } } }'),
    ];
    for (const send of requests) {
      const before = logged.length;
      const res = await send();
      expect([200, 500]).toContain(res.status);
      const messages = (res.errors ?? []).map((e) => e.message);
      expect(messages.length).toBeGreaterThan(0);
      expect(messages.every((m) => m === 'Internal server error')).toBe(true);
      expect(logged.length - before).toBe(1);
    }
    const log = logged.join('\n');
    expect(log).toMatch(/^\[labgate\] database error: /m);
    expect(log).not.toMatch(/\n\s+at /);
    expect(log).not.toContain(digest);
    expect(log).not.toContain(secret);
  });
});
