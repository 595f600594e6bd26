/**
 * Issue 3, docs/reference/gitlab-access-tokens.md §10 "Revoke" (#46-#52): `projectAccessTokenRevoke` and
 * `groupAccessTokenRevoke`.
 *
 * REST to GraphQL: 204 is a payload with `errors: []` and the revoked token; the 400 "cannot delete"
 * is a payload error; 404 is the top-level not-available error.
 * #50 is a service spec ("Failed to find bot user" for a token whose user is not a member). Over
 * GraphQL the token is looked up among the resource's bots first, so such a token is not found: the
 * closest behaviour, tested here, is the not-available error with the token left untouched.
 * #51's REST body (`invalid_token`, "Token was revoked...") is GraphQL's 401 `Invalid token`.
 */
import { Member } from '../../../src/modules/member/member.entity';
import {
  expectInvalidToken,
  expectNotAvailable,
  expectTokenWorks,
  GROUP_TOKENS,
  idOf,
  patGid,
  PROJECT_TOKENS,
  REVOKE_GROUP_TOKEN,
  REVOKE_PROJECT_TOKEN,
  snapshot,
  tokenRow,
  userRow,
  useWorld,
  WHO_AM_I,
} from './fixtures';

describe('projectAccessTokenRevoke / groupAccessTokenRevoke', () => {
  const { h, w } = useWorld();

  const revoke = (secret: string | undefined, id: number, projectPath = w.project.fullPath) =>
    h.gql(REVOKE_PROJECT_TOKEN, { input: { projectPath, id: patGid(id), clientMutationId: 'r' } }, secret ? { token: secret } : {});
  const revokeGroup = (secret: string, id: number, groupPath = w.group.fullPath) =>
    h.gql(REVOKE_GROUP_TOKEN, { input: { groupPath, id: patGid(id) } }, { token: secret });

  it('#46 a Maintainer revokes: token revoked and inactive, bot kept, listed as inactive', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { name: 'deployer' });
    const res = await revoke(w.pat.maint, bot.token.id);
    expect(res.errors).toBeUndefined();
    const payload = res.data.projectAccessTokenRevoke;
    expect(payload).toMatchObject({ errors: [], clientMutationId: 'r' });
    expect(payload.accessToken).toMatchObject({ name: 'deployer', revoked: true, active: false });
    expect(idOf(payload.accessToken.id)).toBe(bot.token.id);
    expect((await tokenRow(h, bot.token.id))!.revoked).toBe(true);
    expect(await userRow(h, bot.bot.id)).not.toBeNull();
    expect(await h.app.dataSource.getRepository(Member).countBy({ userId: bot.bot.id })).toBe(1);
    const inactive = await h.gql(PROJECT_TOKENS, { path: w.project.fullPath, state: 'INACTIVE' }, { token: w.pat.maint });
    expect(inactive.data.project.accessTokens.nodes.map((n: any) => idOf(n.id))).toEqual([bot.token.id]);
    const active = await h.gql(PROJECT_TOKENS, { path: w.project.fullPath, state: 'ACTIVE' }, { token: w.pat.maint });
    expect(active.data.project.accessTokens.nodes).toEqual([]);
  });

  it('#46 revoking an already revoked token is not an error and changes nothing (inferred)', async () => {
    const bot = await h.createResourceToken({ project: w.project });
    await revoke(w.pat.maint, bot.token.id);
    const updatedAt = (await tokenRow(h, bot.token.id))!.updatedAt;
    h.clock.advance(60_000);
    const again = await revoke(w.pat.maint, bot.token.id);
    expect(again.data.projectAccessTokenRevoke).toMatchObject({ errors: [], accessToken: { revoked: true } });
    expect((await tokenRow(h, bot.token.id))!.updatedAt).toEqual(updatedAt);
  });

  it('#47 (deliberately unlike GitLab\'s 400 naming the bot) a Developer, who cannot list the tokens, gets the answer for a missing token; nothing changes', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { name: 'deployer' });
    const before = await snapshot(h);
    const refused = await revoke(w.pat.dev, bot.token.id);
    expectNotAvailable(refused, 'projectAccessTokenRevoke');
    expect(JSON.stringify(refused.errors)).not.toContain('deployer');
    expectNotAvailable(await revoke(w.pat.dev, 999999), 'projectAccessTokenRevoke');
    expect(await snapshot(h)).toEqual(before);
    expect((await tokenRow(h, bot.token.id))!.revoked).toBe(false);
    await expectTokenWorks(h, bot.secret);
  });

  it('#47 a bot with a Developer role is refused the same way; a Maintainer bot may revoke', async () => {
    const target = await h.createResourceToken({ project: w.project }, { name: 'target' });
    const devBot = await h.createResourceToken({ project: w.project }, { name: 'devbot', accessLevel: 30 });
    expectNotAvailable(await revoke(devBot.secret, target.token.id), 'projectAccessTokenRevoke');
    const maintBot = await h.createResourceToken({ project: w.project }, { name: 'maintbot', accessLevel: 40 });
    expect((await revoke(maintBot.secret, target.token.id)).data.projectAccessTokenRevoke.errors).toEqual([]);
  });

  it('#48 an unknown id gives the not-available error', async () => {
    expectNotAvailable(await revoke(w.pat.maint, 999999), 'projectAccessTokenRevoke');
  });

  it("#49 a token of P through project Q gives the not-available error, even to a Maintainer of both", async () => {
    const q = await h.createProject('q', w.group.fullPath);
    await h.addMember({ project: q }, w.maint, 'maintainer');
    const bot = await h.createResourceToken({ project: w.project });
    expectNotAvailable(await revoke(w.pat.maint, bot.token.id, q.fullPath), 'projectAccessTokenRevoke');
    expectNotAvailable(await revoke(w.pat.owner, bot.token.id, q.fullPath), 'projectAccessTokenRevoke');
    // And a group token through the project of the group, or the other way round.
    const gBot = await h.createResourceToken({ group: w.group });
    expectNotAvailable(await revoke(w.pat.owner, gBot.token.id), 'projectAccessTokenRevoke');
    expectNotAvailable(await revokeGroup(w.pat.owner, bot.token.id), 'groupAccessTokenRevoke');
    expect((await tokenRow(h, bot.token.id))!.revoked).toBe(false);
    expect((await tokenRow(h, gBot.token.id))!.revoked).toBe(false);
  });

  it('#50 (closest) a token whose user is not a bot member of the resource is not found and stays active', async () => {
    // A human member's personal token.
    const human = await h.createPat(w.dev, ['api']);
    expectNotAvailable(await revoke(w.pat.maint, human.token.id), 'projectAccessTokenRevoke');
    expect((await tokenRow(h, human.token.id))!.revoked).toBe(false);
    // A bot whose membership is gone.
    const bot = await h.createResourceToken({ project: w.project });
    await h.app.dataSource.getRepository(Member).delete({ userId: bot.bot.id });
    expectNotAvailable(await revoke(w.pat.maint, bot.token.id), 'projectAccessTokenRevoke');
    expect((await tokenRow(h, bot.token.id))!.revoked).toBe(false);
  });

  it('#51 a revoked token is refused with 401 on the very next request', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'] });
    await expectTokenWorks(h, bot.secret, bot.bot.username);
    await revoke(w.pat.maint, bot.token.id);
    expectInvalidToken(await h.gql(`{ project(fullPath: "${w.project.fullPath}") { id } }`, {}, { token: bot.secret }));
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: bot.secret, via: 'private-token' }));
  });

  it('#52 a group Maintainer cannot revoke a group token, and is answered as for a missing token (GitLab: "<name> cannot delete <bot name>")', async () => {
    const gm = await h.createUser(`gm${w.group.id}`, { name: 'Gina Maintainer' });
    await h.addMember({ group: w.group }, gm, 'maintainer');
    const { secret } = await h.createPat(gm, ['api']);
    const bot = await h.createResourceToken({ group: w.group }, { name: 'group deployer' });
    const before = await snapshot(h);
    expectNotAvailable(await revokeGroup(secret, bot.token.id), 'groupAccessTokenRevoke');
    expect(await snapshot(h)).toEqual(before);
  });

  it('#52 the group Owner revokes a group token; it stays listed as inactive', async () => {
    const bot = await h.createResourceToken({ group: w.group });
    const res = await revokeGroup(w.pat.owner, bot.token.id);
    expect(res.data.groupAccessTokenRevoke).toMatchObject({ errors: [], accessToken: { revoked: true, active: false } });
    const listed = await h.gql(GROUP_TOKENS, { path: w.group.fullPath, state: 'INACTIVE' }, { token: w.pat.owner });
    expect(listed.data.group.accessTokens.nodes.map((n: any) => idOf(n.id))).toEqual([bot.token.id]);
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: bot.secret }));
  });

  it('an outsider on a private project, anonymous callers and read_api tokens get the not-available error', async () => {
    const bot = await h.createResourceToken({ project: w.project });
    const { secret: readOnly } = await h.createPat(w.maint, ['read_api']);
    expectNotAvailable(await revoke(w.pat.outsider, bot.token.id), 'projectAccessTokenRevoke');
    expectNotAvailable(await revoke(undefined, bot.token.id), 'projectAccessTokenRevoke');
    expectNotAvailable(await revoke(readOnly, bot.token.id), 'projectAccessTokenRevoke');
    expect((await tokenRow(h, bot.token.id))!.revoked).toBe(false);
  });

  it('an administrator may revoke any resource token', async () => {
    const bot = await h.createResourceToken({ project: w.project });
    expect((await revoke(w.pat.admin, bot.token.id)).data.projectAccessTokenRevoke.errors).toEqual([]);
  });

  it('a bot may revoke its own token (a Maintainer bot), and is locked out afterwards', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { accessLevel: 40 });
    expect((await revoke(bot.secret, bot.token.id)).data.projectAccessTokenRevoke.errors).toEqual([]);
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: bot.secret }));
  });
});
