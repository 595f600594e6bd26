/**
 * Issue 3: "Creating many tokens at once (concurrent requests on PostgreSQL) gives distinct bots and
 * never a half-made one." The requests run interleaved in one process; on SQLite the transactions
 * queue on the one connection, on PostgreSQL (DATABASE_URL=postgres://...) they truly run at once on
 * pooled connections. Either way every success is a whole bot (user + one membership + one token) and
 * every failure leaves nothing.
 */
import { PersonalAccessToken } from '../../../src/modules/access-token/personal-access-token.entity';
import { Member } from '../../../src/modules/member/member.entity';
import { User } from '../../../src/modules/user/user.entity';
import { CREATE_GROUP_TOKEN, createProjectToken, expectTokenWorks, idOf, patGid, REVOKE_PROJECT_TOKEN, ROTATE_PROJECT_TOKEN, snapshot, useWorld } from './fixtures';

const N = 24;

describe('concurrent token creation', () => {
  const { h, w } = useWorld({ config: { logErrors: false } });

  /** Every project bot is whole: exactly one membership (of its resource) and at least one token. */
  async function expectNoHalfMadeBots() {
    const ds = h.app.dataSource;
    const bots = await ds.getRepository(User).findBy({ userType: 'project_bot' });
    for (const bot of bots) {
      const memberships = await ds.getRepository(Member).findBy({ userId: bot.id });
      expect(memberships).toHaveLength(1);
      const kind = memberships[0].sourceType === 'Project' ? 'project' : 'group';
      expect(bot.username.startsWith(`${kind}_${memberships[0].sourceId}_bot_`)).toBe(true);
      expect(await ds.getRepository(PersonalAccessToken).countBy({ userId: bot.id })).toBeGreaterThanOrEqual(1);
    }
    return bots;
  }

  it(`${N} concurrent creations on one project give ${N} distinct, whole bots`, async () => {
    const before = await snapshot(h);
    const results = await Promise.all(
      Array.from({ length: N }, (_, i) => createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, name: `bot ${i}`, accessLevel: 'DEVELOPER' })),
    );
    const payloads = results.map((r) => {
      expect(r.errors).toBeUndefined();
      expect(r.data.projectAccessTokenCreate.errors).toEqual([]);
      return r.data.projectAccessTokenCreate;
    });
    const botIds = new Set(payloads.map((p) => p.accessToken.user.id));
    const usernames = new Set(payloads.map((p) => p.accessToken.user.username));
    expect(botIds.size).toBe(N);
    expect(usernames.size).toBe(N);
    expect(new Set(payloads.map((p) => p.token)).size).toBe(N);
    const after = await snapshot(h);
    expect(after.bots - before.bots).toBe(N);
    expect(after.members - before.members).toBe(N);
    expect(after.tokens - before.tokens).toBe(N);
    await expectNoHalfMadeBots();
    // Each secret opens its own bot.
    for (const p of payloads.slice(0, 3)) await expectTokenWorks(h, p.token, p.accessToken.user.username);
    const list = await h.gql(`{ project(fullPath: "${w.project.fullPath}") { accessTokens { count } } }`, {}, { token: w.pat.maint });
    expect(list.data.project.accessTokens.count).toBe(N);
  });

  it('concurrent creations on several projects and groups, some of them invalid, leave no partial rows', async () => {
    const q = await h.createProject('q', w.group.fullPath);
    const sub = await h.createGroup('sub', { parent: w.group.fullPath });
    const before = await snapshot(h);
    const jobs = Array.from({ length: N }, (_, i) => {
      const invalid = i % 4 === 3;
      const scopes = invalid ? ['read_user'] : ['api'];
      switch (i % 3) {
        case 0:
          return createProjectToken(h, w.pat.owner, { projectPath: w.project.fullPath, name: `p${i}`, scopes });
        case 1:
          return createProjectToken(h, w.pat.owner, { projectPath: q.fullPath, name: `q${i}`, scopes });
        default:
          return h.gql(CREATE_GROUP_TOKEN, { input: { groupPath: i % 2 ? sub.fullPath : w.group.fullPath, name: `g${i}`, scopes } }, { token: w.pat.owner });
      }
    });
    const results = await Promise.all(jobs);
    const payloads = results.map((r) => r.data.projectAccessTokenCreate ?? r.data.groupAccessTokenCreate);
    const ok = payloads.filter((p) => p.errors.length === 0);
    const failed = payloads.filter((p) => p.errors.length > 0);
    expect(failed).toHaveLength(N / 4);
    for (const f of failed) expect(f).toMatchObject({ errors: ['Scopes can only contain available scopes'], token: null, accessToken: null });
    const after = await snapshot(h);
    expect(after.bots - before.bots).toBe(ok.length);
    expect(after.members - before.members).toBe(ok.length);
    expect(after.tokens - before.tokens).toBe(ok.length);
    expect(new Set(ok.map((p) => p.accessToken.user.id)).size).toBe(ok.length);
    await expectNoHalfMadeBots();
  });

  it('a failure in the middle of some creations rolls each of them back completely', async () => {
    const tokens = h.app.services.tokenLifecycle;
    const original = tokens.issue.bind(tokens);
    let calls = 0;
    tokens.issue = async (...args: Parameters<typeof original>) => {
      const call = ++calls;
      // Let the other transactions move on before failing, so that the failures interleave with them.
      await new Promise((resolve) => setImmediate(resolve));
      if (call % 3 === 0) throw new Error('simulated failure while writing the token');
      return original(...args);
    };
    const before = await snapshot(h);
    let results;
    try {
      results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, name: `m${i}` })),
      );
    } finally {
      tokens.issue = original;
    }
    const ok = results.filter((r) => r.data.projectAccessTokenCreate !== null);
    const broken = results.filter((r) => r.data.projectAccessTokenCreate === null);
    expect(broken).toHaveLength(4);
    for (const r of broken) expect(r.errors![0].message).toBe('Internal server error');
    const after = await snapshot(h);
    expect(after.bots - before.bots).toBe(ok.length);
    expect(after.members - before.members).toBe(ok.length);
    expect(after.tokens - before.tokens).toBe(ok.length);
    await expectNoHalfMadeBots();
  });

  it('concurrent rotations and revocations of one token: one rotation at most, never two live successors', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { accessLevel: 30 });
    const input = { projectPath: w.project.fullPath, id: patGid(bot.token.id) };
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => h.gql(ROTATE_PROJECT_TOKEN, { input }, { token: w.pat.owner })),
      h.gql(REVOKE_PROJECT_TOKEN, { input }, { token: w.pat.maint }),
    ]);
    const rotations = results.slice(0, 5).map((r) => r.data.projectAccessTokenRotate);
    const succeeded = rotations.filter((p) => p.errors.length === 0);
    expect(succeeded.length).toBeLessThanOrEqual(1);
    for (const p of rotations.filter((x) => x.errors.length)) expect(p.errors).toEqual(['Token already revoked']);
    const rows = await h.app.dataSource.getRepository(PersonalAccessToken).findBy({ userId: bot.bot.id });
    expect(rows.filter((t) => !t.revoked)).toHaveLength(succeeded.length);
    if (succeeded.length) expect(idOf(succeeded[0].accessToken.id)).toBe(rows.find((t) => !t.revoked)!.id);
  });
});
