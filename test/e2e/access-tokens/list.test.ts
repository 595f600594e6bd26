/**
 * Issue 3, docs/reference/gitlab-access-tokens.md §10 "List / get" (#37-#45): `Project.accessTokens` and
 * `Group.accessTokens`
 * (state, sort, pagination, accessLevel, user), and no secret anywhere.
 *
 * REST to GraphQL: a 401 on the list is the field reading `null` (hidden is the same as missing);
 * pagination headers are the connection's `count` and `pageInfo`.
 * Not applicable: #44 and #45 are about `GET /:type/:id/access_tokens/:token_id`, which has no GraphQL
 * counterpart (there is no single-token field). Their closest behaviour is tested here (an unknown id,
 * or another project's token, is simply not in the list) and in revoke.test.ts / rotate.test.ts
 * (mutations on such ids give the not-available error).
 */
import { inTransaction } from '../../../src/db/data-source';
import type { User } from '../../../src/modules/user/user.entity';
import { day, GROUP_TOKENS, idOf, PROJECT_TOKENS, TODAY, useWorld } from './fixtures';

describe('Project.accessTokens and Group.accessTokens', () => {
  const { h, w } = useWorld();

  /** Another token for an existing bot (as rotation would make), optionally revoked. */
  async function extraToken(bot: User, options: { name?: string; expiresAt?: string | null; revoked?: boolean } = {}) {
    const ctx = h.system();
    const issued = await inTransaction(h.app.dataSource, (em) =>
      h.app.services.tokenLifecycle.issue(ctx, em, bot, { name: options.name ?? 'extra', scopes: ['api'], expiresAt: options.expiresAt ?? day(30) }),
    );
    if (options.revoked) await inTransaction(h.app.dataSource, (em) => h.app.services.tokenLifecycle.revoke(ctx, em, issued.token.id));
    return issued.token.id;
  }

  const list = (secret: string | undefined, vars: Record<string, unknown> = {}, path = w.project.fullPath) =>
    h.gql(PROJECT_TOKENS, { path, ...vars }, secret ? { token: secret } : {});
  const ids = (res: { data: any }) => res.data.project.accessTokens.nodes.map((n: { id: string }) => idOf(n.id));

  /** One bot with 5 active tokens, 1 expired and 1 revoked, as in GitLab's spec. */
  async function sevenTokens() {
    const first = await h.createResourceToken({ project: w.project }, { name: 'a0', expiresAt: day(10) });
    const active = [first.token.id];
    for (let i = 1; i < 5; i += 1) active.push(await extraToken(first.bot, { name: `a${i}`, expiresAt: day(10 + i) }));
    const expired = await extraToken(first.bot, { name: 'expired', expiresAt: day(-1) });
    const revoked = await extraToken(first.bot, { name: 'revoked', expiresAt: day(20), revoked: true });
    return { bot: first.bot, active, expired, revoked };
  }

  it('#37 lists active and inactive tokens, with count and page info, no secret, dates as YYYY-MM-DD', async () => {
    const t = await sevenTokens();
    const res = await list(w.pat.maint);
    expect(res.errors).toBeUndefined();
    const conn = res.data.project.accessTokens;
    expect(conn.count).toBe(7);
    expect(conn.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect(new Set(ids(res))).toEqual(new Set([...t.active, t.expired, t.revoked]));
    for (const node of conn.nodes) {
      expect(node.expiresAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(node).not.toHaveProperty('token');
      expect(JSON.stringify(node)).not.toMatch(/glpat-/);
    }
    const byName = Object.fromEntries(conn.nodes.map((n: any) => [n.name, n]));
    expect(byName.expired).toMatchObject({ active: false, revoked: false, expiresAt: day(-1) });
    expect(byName.revoked).toMatchObject({ active: false, revoked: true });
    expect(byName.a0).toMatchObject({ active: true, revoked: false });
  });

  it('#38 state filters: ACTIVE gives the 5 working tokens, INACTIVE the expired and revoked ones', async () => {
    const t = await sevenTokens();
    const active = await list(w.pat.maint, { state: 'ACTIVE' });
    expect(new Set(ids(active))).toEqual(new Set(t.active));
    expect(active.data.project.accessTokens.count).toBe(5);
    const inactive = await list(w.pat.maint, { state: 'INACTIVE' });
    expect(new Set(ids(inactive))).toEqual(new Set([t.expired, t.revoked]));
    expect(inactive.data.project.accessTokens.count).toBe(2);
  });

  it('#38 a token whose expiry date is today is already inactive (inferred: follows `expired?`, not the `<` SQL scope)', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { expiresAt: TODAY });
    const res = await list(w.pat.maint, { state: 'INACTIVE' });
    expect(ids(res)).toEqual([bot.token.id]);
    expect(res.data.project.accessTokens.nodes[0].active).toBe(false);
    expect(ids(await list(w.pat.maint, { state: 'ACTIVE' }))).toEqual([]);
  });

  it('#38 an unknown state is refused by the enum', async () => {
    const res = await list(w.pat.maint, { state: 'EXPIRED' });
    expect(res.data).toBeUndefined();
    expect(res.errors![0].message).toMatch(/AccessTokenState/);
  });

  it("#39 another project's bots are not listed, nor are human members' tokens", async () => {
    const mine = await h.createResourceToken({ project: w.project });
    const q = await h.createProject('q', w.group.fullPath);
    await h.createResourceToken({ project: q });
    await h.createResourceToken({ group: w.group });
    const res = await list(w.pat.maint);
    expect(ids(res)).toEqual([mine.token.id]);
  });

  it('#40 a project without bots lists nothing', async () => {
    const res = await list(w.pat.maint);
    expect(res.data.project.accessTokens).toMatchObject({ count: 0, nodes: [], pageInfo: { hasNextPage: false } });
  });

  it('#41 a Developer may not list them (the field is null)', async () => {
    await h.createResourceToken({ project: w.project });
    const res = await list(w.pat.dev);
    expect(res.errors).toBeUndefined();
    expect(res.data.project).toEqual({ accessTokens: null });
    // Anonymous and outsiders cannot even see the private project.
    expect((await list(w.pat.outsider)).data.project).toBeNull();
    expect((await list(undefined)).data.project).toBeNull();
  });

  it('#42 a Maintainer bot lists all the tokens of its project; a Developer bot may not', async () => {
    const mBot = await h.createResourceToken({ project: w.project }, { accessLevel: 40, scopes: ['read_api'] });
    const dBot = await h.createResourceToken({ project: w.project }, { accessLevel: 30, scopes: ['read_api'] });
    const res = await list(mBot.secret);
    expect(new Set(ids(res))).toEqual(new Set([mBot.token.id, dBot.token.id]));
    expect((await list(dBot.secret)).data.project.accessTokens).toBeNull();
  });

  it('#43 accessLevel is the bot membership role: Maintainer 40 on a project, Owner 50 on a group', async () => {
    await h.createResourceToken({ project: w.project }, { accessLevel: 40 });
    const res = await list(w.pat.maint);
    expect(res.data.project.accessTokens.nodes[0].accessLevel).toEqual({ integerValue: 40, stringValue: 'MAINTAINER', humanAccess: 'Maintainer' });
    const gBot = await h.createResourceToken({ group: w.group }, { accessLevel: 50 });
    const g = await h.gql(GROUP_TOKENS, { path: w.group.fullPath }, { token: w.pat.owner });
    expect(g.data.group.accessTokens.nodes).toEqual([expect.objectContaining({ accessLevel: { integerValue: 50, stringValue: 'OWNER', humanAccess: 'Owner' } })]);
    expect(idOf(g.data.group.accessTokens.nodes[0].id)).toBe(gBot.token.id);
  });

  it('#44/#45 (closest) an unknown id or the token of another project is not in the list', async () => {
    const q = await h.createProject('q', w.group.fullPath);
    const qMaint = await h.createUser(`qm${q.id}`);
    await h.addMember({ project: q }, qMaint, 'maintainer');
    const { secret } = await h.createPat(qMaint, ['api']);
    const pToken = await h.createResourceToken({ project: w.project });
    const res = await list(secret, {}, q.fullPath);
    expect(ids(res)).not.toContain(pToken.token.id);
    expect(ids(res)).toEqual([]);
  });

  it('the user field is the bot, with its name shown to those who may see the project', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { name: 'deploy bot' });
    const res = await list(w.pat.maint);
    expect(res.data.project.accessTokens.nodes[0].user).toEqual({
      id: `gid://gitlab/User/${bot.bot.id}`,
      username: bot.bot.username,
      name: 'deploy bot',
      bot: true,
      human: false,
      type: 'PROJECT_BOT',
    });
  });

  it('sorts: EXPIRES_ASC by default, and by name, creation, expiry, last use and id in both directions', async () => {
    const c = await h.createResourceToken({ project: w.project }, { name: 'Charlie', expiresAt: day(5) });
    h.clock.advance(1000);
    const a = await h.createResourceToken({ project: w.project }, { name: 'alpha', expiresAt: day(50) });
    h.clock.advance(1000);
    const b = await h.createResourceToken({ project: w.project }, { name: 'Bravo', expiresAt: day(20) });
    const [A, B, C] = [a.token.id, b.token.id, c.token.id];
    expect(ids(await list(w.pat.maint))).toEqual([C, B, A]);
    expect(ids(await list(w.pat.maint, { sort: 'EXPIRES_ASC' }))).toEqual([C, B, A]);
    expect(ids(await list(w.pat.maint, { sort: 'EXPIRES_DESC' }))).toEqual([A, B, C]);
    expect(ids(await list(w.pat.maint, { sort: 'NAME_ASC' }))).toEqual([A, B, C]);
    expect(ids(await list(w.pat.maint, { sort: 'NAME_DESC' }))).toEqual([C, B, A]);
    expect(ids(await list(w.pat.maint, { sort: 'CREATED_ASC' }))).toEqual([C, A, B]);
    expect(ids(await list(w.pat.maint, { sort: 'CREATED_DESC' }))).toEqual([B, A, C]);
    expect(ids(await list(w.pat.maint, { sort: 'ID_ASC' }))).toEqual([C, A, B]);
    expect(ids(await list(w.pat.maint, { sort: 'ID_DESC' }))).toEqual([B, A, C]);
    // Use b, then a ten minutes later: c was never used.
    await h.gql('{ currentUser { id } }', {}, { token: b.secret });
    h.clock.advance(11 * 60 * 1000);
    await h.gql('{ currentUser { id } }', {}, { token: a.secret });
    const lastUsedDesc = ids(await list(w.pat.maint, { sort: 'LAST_USED_DESC' }));
    const lastUsedAsc = ids(await list(w.pat.maint, { sort: 'LAST_USED_ASC' }));
    expect(lastUsedDesc.filter((id: number) => id !== C)).toEqual([A, B]);
    expect(lastUsedAsc.filter((id: number) => id !== C)).toEqual([B, A]);
    expect(lastUsedDesc).toHaveLength(3);
  });

  it('paginates forwards and backwards with opaque cursors', async () => {
    const made: number[] = [];
    for (let i = 0; i < 5; i += 1) made.push((await h.createResourceToken({ project: w.project }, { name: `t${i}` })).token.id);
    const page1 = await list(w.pat.maint, { sort: 'ID_ASC', first: 2 });
    expect(ids(page1)).toEqual(made.slice(0, 2));
    expect(page1.data.project.accessTokens.count).toBe(5);
    expect(page1.data.project.accessTokens.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = await list(w.pat.maint, { sort: 'ID_ASC', first: 2, after: page1.data.project.accessTokens.pageInfo.endCursor });
    expect(ids(page2)).toEqual(made.slice(2, 4));
    const page3 = await list(w.pat.maint, { sort: 'ID_ASC', first: 2, after: page2.data.project.accessTokens.pageInfo.endCursor });
    expect(ids(page3)).toEqual(made.slice(4));
    expect(page3.data.project.accessTokens.pageInfo.hasNextPage).toBe(false);
    const back = await list(w.pat.maint, { sort: 'ID_ASC', last: 2, before: page3.data.project.accessTokens.pageInfo.startCursor });
    expect(ids(back)).toEqual(made.slice(2, 4));
    const tail = await list(w.pat.maint, { sort: 'ID_ASC', last: 1 });
    expect(ids(tail)).toEqual([made[4]]);
  });

  it('Group.accessTokens: Owners only; bots of the subgroups and projects below are not included', async () => {
    const gBot = await h.createResourceToken({ group: w.group });
    await h.createResourceToken({ project: w.project });
    const sub = await h.createGroup('sub', { parent: w.group.fullPath });
    await h.createResourceToken({ group: sub });
    const res = await h.gql(GROUP_TOKENS, { path: w.group.fullPath, state: 'ACTIVE' }, { token: w.pat.owner });
    expect(res.data.group.accessTokens.nodes.map((n: any) => idOf(n.id))).toEqual([gBot.token.id]);
    const gm = await h.createUser(`gm${w.group.id}`);
    await h.addMember({ group: w.group }, gm, 'maintainer');
    const { secret } = await h.createPat(gm, ['read_api']);
    const asMaint = await h.gql(GROUP_TOKENS, { path: w.group.fullPath }, { token: secret });
    expect(asMaint.data.group).toEqual({ accessTokens: null });
    const asAdmin = await h.gql(GROUP_TOKENS, { path: w.group.fullPath }, { token: w.pat.admin });
    expect(asAdmin.data.group.accessTokens.count).toBe(1);
  });

  it('the list is the same with a read_api token (a query)', async () => {
    const bot = await h.createResourceToken({ project: w.project });
    const { secret } = await h.createPat(w.maint, ['read_api']);
    expect(ids(await list(secret))).toEqual([bot.token.id]);
  });

  it('no field of the token types exposes a secret or a digest', async () => {
    const res = await h.gql(`{
      r: __type(name: "ResourceAccessToken") { fields { name } }
      p: __type(name: "PersonalAccessToken") { fields { name } } }`);
    const names = [...res.data.r.fields, ...res.data.p.fields].map((f: { name: string }) => f.name.toLowerCase());
    expect(names.filter((n) => /token|digest|secret|hash/.test(n))).toEqual([]);
  });
});
