/**
 * Issue 3, docs/reference/gitlab-access-tokens.md §10 "Scopes / authentication / bot lifecycle" (#70-#76)
 * and the instance settings:
 * expiry at 00:00 UTC, revocation seen by every process on the database, `lastUsedAt` throttling,
 * bot users (shape, never billable, one membership, `****` to outsiders), the 365/400-day maximum,
 * optional expiry (#4, #63), SaaS mode (#23 there), and `labgate cleanup`.
 *
 * REST to GraphQL: a refused token is HTTP 401 `{"errors":[{"message":"Invalid token"}]}`; the REST
 * 403 `insufficient_scope` of a `read_api` token on a write is the top-level not-available error.
 * Not applicable:
 * - #74 (a bot cannot log in to the UI, receives no notifications): Labgate has no UI sign-in and sends
 *   no notifications; a bot only ever authenticates with its token.
 * - "never billable": Labgate has no billing or seat count. What GitLab bases it on is tested: bots
 *   are `bot: true`, `human: false`, and `users(humans: true)` leaves them out.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../../src/app';
import { ManualClock } from '../../../src/clock';
import { loadConfig } from '../../../src/config';
import { RequestContext } from '../../../src/core/context';
import { PersonalAccessToken } from '../../../src/modules/access-token/personal-access-token.entity';
import { Member } from '../../../src/modules/member/member.entity';
import { Project } from '../../../src/modules/project/project.entity';
import { User } from '../../../src/modules/user/user.entity';
import { useHarness } from '../../helpers/harness';
import {
  CREATE_GROUP_TOKEN,
  createProjectToken,
  CREATE_PAT,
  day,
  expectInvalidToken,
  expectNotAvailable,
  expectPayloadErrors,
  expectTokenWorks,
  idOf,
  membershipsOf,
  patGid,
  PROJECT_TOKENS,
  REVOKE_PROJECT_TOKEN,
  ROTATE_PROJECT_TOKEN,
  seedWorld,
  snapshot,
  TODAY,
  tokenRow,
  userRow,
  useWorld,
  WHO_AM_I,
} from './fixtures';

const NOON = `${TODAY}T12:00:00.000Z`;
const PROJECT_QUERY = (p: string) => `{ project(fullPath: "${p}") { fullPath } }`;

describe('token use and bot lifecycle (default instance settings)', () => {
  const { h, w } = useWorld({ clockAt: NOON });

  it('#70 a read_api token reads, but cannot write', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'] });
    const read = await h.gql(PROJECT_QUERY(w.project.fullPath), {}, { token: bot.secret });
    expect(read.status).toBe(200);
    expect(read.data.project).toEqual({ fullPath: w.project.fullPath });
    const before = await snapshot(h);
    expectNotAvailable(await createProjectToken(h, bot.secret, { projectPath: w.project.fullPath }), 'projectAccessTokenCreate');
    expect(await snapshot(h)).toEqual(before);
  });

  it('#72 GraphQL: read_api queries succeed and mutations fail; an api token passes the scope check', async () => {
    const { secret: readApi } = await h.createPat(w.maint, ['read_api']);
    const { secret: api } = await h.createPat(w.maint, ['api']);
    expect((await h.gql(`{ project(fullPath: "${w.project.fullPath}") { id } }`, {}, { token: readApi })).data.project.id).toMatch(/Project/);
    expectNotAvailable(await h.gql(CREATE_PAT, { input: { name: 'x', scopes: ['api'] } }, { token: readApi }), 'personalAccessTokenCreate');
    // (A token gives its own user only GitLab's self-service scopes: creator-bounds.test.ts.)
    const ok = await h.gql(CREATE_PAT, { input: { name: 'x', scopes: ['self_rotate'] } }, { token: api });
    expect(ok.data.personalAccessTokenCreate.errors).toEqual([]);
  });

  it('#71 a token stops working at 00:00 UTC on its expiry date', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'], expiresAt: day(1) });
    h.clock.set(`${TODAY}T23:59:59.999Z`);
    await expectTokenWorks(h, bot.secret, bot.bot.username);
    h.clock.set(`${day(1)}T00:00:00.000Z`);
    expectInvalidToken(await h.gql(PROJECT_QUERY(w.project.fullPath), {}, { token: bot.secret }));
    // The list agrees: inactive from that instant on.
    const list = await h.gql(PROJECT_TOKENS, { path: w.project.fullPath, state: 'INACTIVE' }, { token: w.pat.maint });
    expect(list.data.project.accessTokens.nodes).toEqual([expect.objectContaining({ active: false, revoked: false, expiresAt: day(1) })]);
  });

  it('#71 a token whose expiry date is today is already expired; tomorrow works', async () => {
    const today = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'], expiresAt: TODAY });
    const tomorrow = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'], expiresAt: day(1) });
    expectInvalidToken(await h.gql(PROJECT_QUERY(w.project.fullPath), {}, { token: today.secret }));
    expect((await h.gql(PROJECT_QUERY(w.project.fullPath), {}, { token: tomorrow.secret })).status).toBe(200);
    // Personal tokens follow the same rule.
    const pat = await h.createPat(w.dev, ['api'], { expiresAt: TODAY });
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: pat.secret }));
  });

  it('unknown tokens, malformed ones and every way of sending one', async () => {
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: 'glpat-AAAAAAAAAAAAAAAAAAAA' }));
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: 'x' }));
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'] });
    for (const via of ['bearer', 'private-token', 'private_token', 'access_token'] as const) {
      const res = await h.gql(WHO_AM_I, {}, { token: bot.secret, via });
      expect(res.data.currentUser.username).toBe(bot.bot.username);
    }
  });

  it('#75 lastUsedAt is set on first use and then written at most every ten minutes', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'] });
    expect((await tokenRow(h, bot.token.id))!.lastUsedAt).toBeNull();
    await expectTokenWorks(h, bot.secret);
    expect((await tokenRow(h, bot.token.id))!.lastUsedAt!.toISOString()).toBe(NOON);
    h.clock.advance(5 * 60_000);
    await expectTokenWorks(h, bot.secret);
    expect((await tokenRow(h, bot.token.id))!.lastUsedAt!.toISOString()).toBe(NOON);
    h.clock.advance(6 * 60_000);
    await expectTokenWorks(h, bot.secret);
    expect((await tokenRow(h, bot.token.id))!.lastUsedAt!.toISOString()).toBe(`${TODAY}T12:11:00.000Z`);
    const list = await h.gql(PROJECT_TOKENS, { path: w.project.fullPath }, { token: w.pat.maint });
    expect(list.data.project.accessTokens.nodes[0].lastUsedAt).toBe(`${TODAY}T12:11:00Z`);
  });

  it('#75 lastUsedAt is not touched by refused requests, and does not change updatedAt', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'] });
    const updatedAt = (await tokenRow(h, bot.token.id))!.updatedAt;
    h.clock.advance(60_000);
    await expectTokenWorks(h, bot.secret);
    expect((await tokenRow(h, bot.token.id))!.updatedAt).toEqual(updatedAt);
    await h.gql(REVOKE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, id: patGid(bot.token.id) } }, { token: w.pat.maint });
    const usedAt = (await tokenRow(h, bot.token.id))!.lastUsedAt;
    h.clock.advance(20 * 60_000);
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: bot.secret }));
    expect((await tokenRow(h, bot.token.id))!.lastUsedAt).toEqual(usedAt);
  });

  it('#18 bot shape, again through the list: project_bot, username pattern, noreply address', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { name: 'shape' });
    expect(bot.bot.username).toMatch(new RegExp(`^project_${w.project.id}_bot_[0-9a-f]{32}$`));
    expect(bot.bot.email).toBe(`${bot.bot.username}@noreply.example.com`);
    const res = await h.gql(`query($u: String!) { user(username: $u) { username name bot human type state } }`, { u: bot.bot.username }, { token: w.pat.maint });
    expect(res.data.user).toEqual({ username: bot.bot.username, name: 'shape', bot: true, human: false, type: 'PROJECT_BOT', state: 'active' });
  });

  it('bots are never counted as people: users(humans: true) leaves them out', async () => {
    const bot = await h.createResourceToken({ project: w.project });
    const res = await h.gql(`query($u: [String!]) { all: users(usernames: $u) { nodes { username } } humans: users(usernames: $u, humans: true) { nodes { username } } }`, {
      u: [bot.bot.username, w.maint.username],
    }, { token: w.pat.admin });
    expect(res.data.all.nodes.map((n: any) => n.username).sort()).toEqual([bot.bot.username, w.maint.username].sort());
    expect(res.data.humans.nodes.map((n: any) => n.username)).toEqual([w.maint.username]);
  });

  it('a bot is an internal user: it reads internal projects elsewhere, unless its creator was external (doc)', async () => {
    const other = await h.createGroup(`other${w.group.id}`, { visibility: 'internal' });
    const internal = await h.createProject('inside', other.fullPath, { visibility: 'internal' });
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'] });
    const seen = await h.gql(PROJECT_QUERY(internal.fullPath), {}, { token: bot.secret });
    expect(seen.data.project).toEqual({ fullPath: internal.fullPath });
    const ext = await h.createUser(`extc${w.group.id}`, { external: true });
    await h.addMember({ project: w.project }, ext, 'maintainer');
    const extBot = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'], as: ext });
    expect((await h.gql(PROJECT_QUERY(internal.fullPath), {}, { token: extBot.secret })).data.project).toBeNull();
    expect((await h.gql(PROJECT_QUERY(w.project.fullPath), {}, { token: extBot.secret })).data.project).toEqual({ fullPath: w.project.fullPath });
  });

  it('#73 a bot cannot be added to another project or group; nothing changes', async () => {
    const bot = await h.createResourceToken({ project: w.project });
    const q = await h.createProject('q', w.group.fullPath);
    const before = await snapshot(h);
    for (const target of [['--project', q.fullPath], ['--group', w.group.fullPath], ['--project', w.project.fullPath]]) {
      const res = await h.cli(['members', 'add', ...target, '--user', bot.bot.username, '--access-level', '30']);
      expect(res.code).not.toBe(0);
      expect(res.err.trim().split('\n')).toHaveLength(1);
    }
    const intoQ = await h.cli(['members', 'add', '--project', q.fullPath, '--user', bot.bot.username, '--access-level', 'developer']);
    expect(intoQ.err).toBe('labgate: project bots cannot be added to other groups / projects\n');
    expect(await snapshot(h)).toEqual(before);
    expect(await membershipsOf(h, bot.bot.id)).toEqual([expect.objectContaining({ sourceType: 'Project', sourceId: w.project.id })]);
    // A group bot neither: not even to a project of its own group.
    const gBot = await h.createResourceToken({ group: w.group });
    const res = await h.cli(['members', 'add', '--project', q.fullPath, '--user', gBot.bot.username, '--access-level', 'developer']);
    expect(res.err).toBe('labgate: project bots cannot be added to other groups / projects\n');
  });

  it('a bot name reads **** to those who cannot see its project or group', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { name: 'secret bot' });
    const gBot = await h.createResourceToken({ group: w.group }, { name: 'group bot' });
    const q = `query($a: String!, $b: String!) { a: user(username: $a) { name username } b: user(username: $b) { name } }`;
    const vars = { a: bot.bot.username, b: gBot.bot.username };
    const outsider = await h.gql(q, vars, { token: w.pat.outsider });
    expect(outsider.data).toEqual({ a: { name: '****', username: bot.bot.username }, b: { name: '****' } });
    // Anonymous viewers may not be shown users at all; either way the name does not leak.
    const anonymous = await h.gql(q, vars);
    expect(JSON.stringify(anonymous.body)).not.toMatch(/secret bot|group bot/);
    const member = await h.gql(q, vars, { token: w.pat.dev });
    // dev sees P, and sees G through P.
    expect(member.data).toEqual({ a: { name: 'secret bot', username: bot.bot.username }, b: { name: 'group bot' } });
    expect((await h.gql(q, vars, { token: w.pat.admin })).data.a.name).toBe('secret bot');
  });

  it('#76 an expired token keeps its bot and the bot membership (inferred)', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { expiresAt: day(2) });
    h.clock.advanceDays(10);
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: bot.secret }));
    expect(await userRow(h, bot.bot.id)).not.toBeNull();
    expect((await membershipsOf(h, bot.bot.id)).map((m) => [m.sourceId, m.expiresAt])).toEqual([[w.project.id, null]]);
    // Within the retention period, cleanup leaves it alone too.
    const res = await h.cli(['cleanup', '--json']);
    expect(res.code).toBe(0);
    expect(await userRow(h, bot.bot.id)).not.toBeNull();
  });

  it('revocation is seen on the next request by another process sharing the database', async () => {
    const clock = new ManualClock(NOON);
    let file: string | null = null;
    let config = h.config;
    if (h.db.kind === 'sqlite') {
      file = path.join(os.tmpdir(), `labgate-lifecycle-${process.pid}-${randomBytes(4).toString('hex')}.sqlite`);
      config = loadConfig({}, { databaseUrl: `sqlite:${file}`, externalUrl: 'http://example.com' });
    }
    const apps: App[] = [];
    try {
      apps.push(await createApp(config, { clock }));
      apps.push(await createApp(config, { clock }));
      const [a, b] = apps;
      const ctx = new RequestContext(a, null, { system: true });
      const owner = await a.services.users.create(ctx, { username: `procowner${w.project.id}` });
      const group = await a.services.groups.create(ctx, { path: `proc${w.project.id}` }, owner);
      const ownerPat = await a.services.tokens.createPersonal(ctx, owner, { name: 'o', scopes: ['api'] });
      const bot = await a.services.resourceTokens.create(ctx, { kind: 'group', group }, { name: 'b', scopes: ['read_api'] });
      const ask = (app: App, secret: string, query: string, variables: object = {}) =>
        app.handle({ method: 'POST', url: '/api/graphql', headers: { authorization: `Bearer ${secret}` }, body: JSON.stringify({ query, variables }) });
      expect((await ask(a, bot.secret, WHO_AM_I)).status).toBe(200);
      expect((await ask(b, bot.secret, WHO_AM_I)).status).toBe(200);
      const revoked = await ask(b, ownerPat.secret, `mutation($i: GroupAccessTokenRevokeInput!) { groupAccessTokenRevoke(input: $i) { errors } }`, {
        i: { groupPath: group.fullPath, id: patGid(bot.token.id) },
      });
      expect(JSON.parse(revoked.body).data.groupAccessTokenRevoke.errors).toEqual([]);
      const afterA = await ask(a, bot.secret, WHO_AM_I);
      expect(afterA.status).toBe(401);
      expect(JSON.parse(afterA.body)).toEqual({ errors: [{ message: 'Invalid token' }] });
    } finally {
      for (const app of apps) await app.close();
      if (file) for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
    }
  });
});

describe('bot e-mail host from LABGATE_URL', () => {
  const h = useHarness({ config: { externalUrl: 'https://Git.Acme.test:8443/gitlab' } });

  it('#18 the e-mail is <username>@noreply.<host of LABGATE_URL>, without port or path', async () => {
    const w = await seedWorld(h);
    const bot = await h.createResourceToken({ project: w.project });
    expect(bot.bot.email).toBe(`${bot.bot.username}@noreply.git.acme.test`);
  });
});

describe('maximum lifetime of 400 days with bufferedTokenExpirationLimit', () => {
  const { h, w } = useWorld({ config: { bufferedTokenExpirationLimit: true }, worldPer: 'block' });

  it('#16 (buffered) up to today + 400 is accepted; the default stays 365 days', async () => {
    // The creating token must itself last that long (no token creates one that outlives it).
    const { secret: maint } = await h.createPat(w.maint, ['api'], { expiresAt: day(400) });
    const ok = await createProjectToken(h, maint, { projectPath: w.project.fullPath, expiresAt: day(400) });
    expect(ok.data.projectAccessTokenCreate.accessToken.expiresAt).toBe(day(400));
    const before = await snapshot(h);
    expectPayloadErrors(await createProjectToken(h, maint, { projectPath: w.project.fullPath, expiresAt: day(401) }), 'projectAccessTokenCreate', [
      `Expires at must be before ${day(400)}`,
    ]);
    expect(await snapshot(h)).toEqual(before);
    const dflt = await createProjectToken(h, maint, { projectPath: w.project.fullPath });
    expect(dflt.data.projectAccessTokenCreate.accessToken.expiresAt).toBe(day(365));
  });
});

describe('optional expiry (requireTokenExpiry: false)', () => {
  const { h, w } = useWorld({ config: { requireTokenExpiry: false }, worldPer: 'block' });

  it('#4 without expiresAt the token never expires', async () => {
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, scopes: ['read_api'] });
    const { accessToken, token } = res.data.projectAccessTokenCreate;
    expect(accessToken.expiresAt).toBeNull();
    expect((await tokenRow(h, idOf(accessToken.id)))!.expiresAt).toBeNull();
    h.clock.advanceDays(5000);
    try {
      await expectTokenWorks(h, token);
    } finally {
      h.clock.set(NOON);
    }
  });

  it('#4 (inferred) no maximum applies when expiry is not required; personal tokens too', async () => {
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, expiresAt: day(1000) });
    expect(res.data.projectAccessTokenCreate.accessToken.expiresAt).toBe(day(1000));
    const pat = await h.gql(CREATE_PAT, { input: { name: 'forever', scopes: ['self_rotate'] } }, { token: w.pat.dev });
    expect(pat.data.personalAccessTokenCreate.errors).toEqual([]);
    const row = await h.app.dataSource.getRepository(PersonalAccessToken).findOneBy({ name: 'forever' });
    expect(row!.expiresAt).toBeNull();
  });

  it('#63 rotation without expiresAt gives a token that never expires (inferred, current)', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { expiresAt: day(30) });
    const res = await h.gql(ROTATE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, id: patGid(bot.token.id) } }, { token: w.pat.owner });
    expect(res.data.projectAccessTokenRotate).toMatchObject({ errors: [], accessToken: { expiresAt: null } });
  });
});

describe('SaaS mode (LABGATE_SAAS): paid, non-trial top-level groups only', () => {
  const h = useHarness({ config: { saas: true } });

  const NO_PROJECT = 'User does not have permission to create project access token';
  const NO_GROUP = 'User does not have permission to create group access token';
  const createGroupToken = (secret: string, groupPath: string) =>
    h.gql(CREATE_GROUP_TOKEN, { input: { groupPath, name: 't', scopes: ['api'] } }, { token: secret });

  it('a free top-level group gets no project or group tokens; nothing is written', async () => {
    const w = await seedWorld(h, { plan: 'free' });
    const before = await snapshot(h);
    expectPayloadErrors(await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath }), 'projectAccessTokenCreate', [NO_PROJECT]);
    expectPayloadErrors(await createGroupToken(w.pat.owner, w.group.fullPath), 'groupAccessTokenCreate', [NO_GROUP]);
    expectPayloadErrors(await createProjectToken(h, w.pat.admin, { projectPath: w.project.fullPath }), 'projectAccessTokenCreate', [NO_PROJECT]);
    expect(await snapshot(h)).toEqual(before);
  });

  it('a trial of a paid plan is not enough', async () => {
    const w = await seedWorld(h, { plan: 'ultimate', trial: true });
    expectPayloadErrors(await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath }), 'projectAccessTokenCreate', [NO_PROJECT]);
    expectPayloadErrors(await createGroupToken(w.pat.owner, w.group.fullPath), 'groupAccessTokenCreate', [NO_GROUP]);
  });

  it('premium and ultimate groups get them, down to their subgroups and projects', async () => {
    for (const plan of ['premium', 'ultimate']) {
      const w = await seedWorld(h, { plan });
      expect((await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath })).data.projectAccessTokenCreate.errors).toEqual([]);
      expect((await createGroupToken(w.pat.owner, w.group.fullPath)).data.groupAccessTokenCreate.errors).toEqual([]);
      const sub = await h.createGroup('sub', { parent: w.group.fullPath });
      const deep = await h.createProject('deep', sub.fullPath);
      expect((await createProjectToken(h, w.pat.owner, { projectPath: deep.fullPath })).data.projectAccessTokenCreate.errors).toEqual([]);
    }
  });

  it('#23 (SaaS) a project in a personal namespace gets no token', async () => {
    const w = await seedWorld(h, { plan: 'premium' });
    const home = await h.createProject('home', w.maint.username);
    expectPayloadErrors(await createProjectToken(h, w.pat.maint, { projectPath: home.fullPath }), 'projectAccessTokenCreate', [NO_PROJECT]);
  });

  it('the command applies the same rule', async () => {
    const w = await seedWorld(h, { plan: 'free' });
    const res = await h.cli(['project-tokens', 'create', '--project', w.project.fullPath, '--name', 'n', '--scopes', 'api']);
    expect(res.code).toBe(1);
    expect(res.err).toBe(`labgate: ${NO_PROJECT}\n`);
  });
});

describe('labgate cleanup: bots whose tokens have been inactive past the retention period', () => {
  const { h, w } = useWorld({ clockAt: NOON });

  const revoke = (id: number) =>
    h.gql(REVOKE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, id: patGid(id) } }, { token: w.pat.maint });
  const exists = async (id: number) => (await userRow(h, id)) !== null;

  it('removes only bots whose every token went inactive before the cut-off, and their tokens and memberships', async () => {
    const revokedEarly = await h.createResourceToken({ project: w.project }, { name: 'early' });
    const active = await h.createResourceToken({ project: w.project }, { name: 'active' });
    const expiresSoon = await h.createResourceToken({ project: w.project }, { name: 'soon', expiresAt: day(5) });
    const revokedLate = await h.createResourceToken({ project: w.project }, { name: 'late' });
    const mixed = await h.createResourceToken({ project: w.project }, { name: 'mixed' });
    await revoke(revokedEarly.token.id);
    // `mixed` rotates: its old token is revoked, the new one is active.
    await h.gql(ROTATE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, id: patGid(mixed.token.id) } }, { token: w.pat.owner });
    h.clock.advanceDays(20);
    await revoke(revokedLate.token.id);
    h.clock.advanceDays(11); // D+31

    const res = await h.cli(['cleanup', '--retention-days', '30', '--json']);
    expect(res.code).toBe(0);
    expect(res.json).toMatchObject({ deleted_bots: 1, retention_days: 30 });
    expect(await exists(revokedEarly.bot.id)).toBe(false);
    for (const kept of [active, expiresSoon, revokedLate]) expect(await exists(kept.bot.id)).toBe(true);
    // `mixed`'s token from the rotation expired on D+7, after the cut-off day (D+1): kept for now.
    expect(await exists(mixed.bot.id)).toBe(true);
    expect(await h.app.dataSource.getRepository(PersonalAccessToken).countBy({ userId: revokedEarly.bot.id })).toBe(0);
    expect(await h.app.dataSource.getRepository(Member).countBy({ userId: revokedEarly.bot.id })).toBe(0);
    const list = await h.gql(PROJECT_TOKENS, { path: w.project.fullPath }, { token: w.pat.maint });
    expect(list.data.project.accessTokens.nodes.map((n: any) => n.name)).not.toContain('early');

    // A week later the expired one (D+5) and the rotated family (D+7) are past a 30-day cut-off too.
    h.clock.advanceDays(7); // D+38: cut-off D+8
    const later = await h.cli(['cleanup', '--json']);
    expect(later.json.deleted_bots).toBe(2);
    expect(await exists(expiresSoon.bot.id)).toBe(false);
    expect(await exists(mixed.bot.id)).toBe(false);
    expect(await exists(revokedLate.bot.id)).toBe(true);
    expect(await exists(active.bot.id)).toBe(true);
    // A shorter retention period catches the late one.
    const short = await h.cli(['cleanup', '--retention-days', '10']);
    expect(short.code).toBe(0);
    expect(short.out).toMatch(/Deleted 1 bot user/);
    expect(await exists(revokedLate.bot.id)).toBe(false);
    expect(await exists(active.bot.id)).toBe(true);
  });

  it('moves what a removed bot created to the ghost user', async () => {
    const gBot = await h.createResourceToken({ group: w.group }, { accessLevel: 50, name: 'builder' });
    const helper = await h.createUser(`helper${w.group.id}`);
    const made = await h.cli(['projects', 'create', '--path', 'botmade', '--namespace', w.group.fullPath, '--as', gBot.bot.username, '--json']);
    expect(made.code).toBe(0);
    const added = await h.cli(['members', 'add', '--project', w.project.fullPath, '--user', helper.username, '--access-level', 'reporter', '--as', gBot.bot.username]);
    expect(added.code).toBe(0);
    await h.gql(`mutation($i: GroupAccessTokenRevokeInput!) { groupAccessTokenRevoke(input: $i) { errors } }`, { i: { groupPath: w.group.fullPath, id: patGid(gBot.token.id) } }, { token: w.pat.owner });
    h.clock.advanceDays(31);

    const res = await h.cli(['cleanup', '--retention-days', '30', '--json']);
    expect(res.json.deleted_bots).toBe(1);
    const ghost = (await h.app.dataSource.getRepository(User).findOneBy({ userType: 'ghost' }))!;
    expect(ghost).toMatchObject({ username: 'ghost', name: 'Ghost User', email: 'ghost@noreply.example.com' });
    expect(res.json.ghost_user_id).toBe(ghost.id);
    expect(await exists(gBot.bot.id)).toBe(false);
    const project = (await h.app.dataSource.getRepository(Project).findOneBy({ id: made.json.id }))!;
    expect(project.creatorId).toBe(ghost.id);
    const membership = (await h.app.dataSource.getRepository(Member).findOneBy({ userId: helper.id }))!;
    expect(membership.createdById).toBe(ghost.id);
    // A second cleanup reuses the same ghost user.
    const again = await h.cli(['cleanup', '--json']);
    expect(again.json).toMatchObject({ deleted_bots: 0 });
    expect(await h.app.dataSource.getRepository(User).countBy({ userType: 'ghost' })).toBe(1);
  });

  it('is for administrators only, and refuses a bad retention period', async () => {
    const bot = await h.createResourceToken({ project: w.project });
    await revoke(bot.token.id);
    h.clock.advanceDays(40);
    const before = await snapshot(h);
    const asOwner = await h.cli(['cleanup', '--as', w.owner.username]);
    expect(asOwner.code).toBe(1);
    expect(asOwner.err.trim().split('\n')).toHaveLength(1);
    const bad = await h.cli(['cleanup', '--retention-days', '-3']);
    expect(bad.code).not.toBe(0);
    expect(await snapshot(h)).toEqual(before);
  });
});
