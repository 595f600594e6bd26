/**
 * Issue 3, docs/reference/gitlab-access-tokens.md §10 "Create — group" (#25-#28),
 * over `groupAccessTokenCreate`.
 * A "400 msg" is a payload error with nothing written; a group the caller may not see is GitLab's
 * top-level "resource not available" error.
 */
import {
  CREATE_GROUP_TOKEN,
  day,
  expectNotAvailable,
  expectPayloadErrors,
  idOf,
  membershipsOf,
  snapshot,
  userRow,
  useWorld,
} from './fixtures';

const NO_PERMISSION = 'User does not have permission to create group access token';

describe('groupAccessTokenCreate', () => {
  const { h, w } = useWorld();

  const create = (secret: string, input: Record<string, unknown>) =>
    h.gql(CREATE_GROUP_TOKEN, { input: { groupPath: w.group.fullPath, name: 'test', scopes: ['api'], ...input } }, { token: secret });

  async function expectRefused(secret: string, input: Record<string, unknown>, messages: string[]) {
    const before = await snapshot(h);
    expectPayloadErrors(await create(secret, input), 'groupAccessTokenCreate', messages);
    expect(await snapshot(h)).toEqual(before);
  }

  it('#25 the group Owner creates one; the bot is a project_bot member of G with the role', async () => {
    const res = await create(w.pat.owner, { accessLevel: 'REPORTER', expiresAt: day(30), clientMutationId: 'g1' });
    expect(res.errors).toBeUndefined();
    const payload = res.data.groupAccessTokenCreate;
    expect(payload).toMatchObject({ errors: [], clientMutationId: 'g1' });
    expect(payload.token).toMatch(/^glpat-/);
    expect(payload.accessToken).toMatchObject({ name: 'test', scopes: ['api'], expiresAt: day(30), active: true, revoked: false });
    expect(payload.accessToken.accessLevel.integerValue).toBe(20);
    const bot = (await userRow(h, idOf(payload.accessToken.user.id)))!;
    expect(bot.username).toMatch(new RegExp(`^group_${w.group.id}_bot_[0-9a-f]{32}$`));
    expect(bot.email).toBe(`${bot.username}@noreply.example.com`);
    expect(bot.userType).toBe('project_bot');
    expect(payload.accessToken.user.type).toBe('PROJECT_BOT');
    expect(await membershipsOf(h, bot.id)).toEqual([
      expect.objectContaining({ sourceType: 'Namespace', sourceId: w.group.id, accessLevel: 20, expiresAt: null }),
    ]);
  });

  it('#25 the defaults are the same as for project tokens: Maintainer, a year', async () => {
    const res = await create(w.pat.owner, {});
    expect(res.data.groupAccessTokenCreate.accessToken).toMatchObject({ expiresAt: day(365), accessLevel: { integerValue: 40 } });
  });

  it('#25 the group token reaches the projects of the group through the bot membership', async () => {
    const res = await create(w.pat.owner, { accessLevel: 'REPORTER', scopes: ['read_api'] });
    const q = await h.gql(`{ project(fullPath: "${w.project.fullPath}") { fullPath } }`, {}, { token: res.data.groupAccessTokenCreate.token });
    expect(q.errors).toBeUndefined();
    expect(q.data.project).toEqual({ fullPath: w.project.fullPath });
  });

  it('#26 a group Maintainer may not create one', async () => {
    const gm = await h.createUser(`gm${w.group.id}`);
    await h.addMember({ group: w.group }, gm, 'maintainer');
    const { secret } = await h.createPat(gm, ['api']);
    await expectRefused(secret, {}, [NO_PERMISSION]);
  });

  it('#26 neither may a project Maintainer, who cannot even see the private group', async () => {
    // maint is a member of P only: G is visible to them through P, so the refusal is in the payload.
    await expectRefused(w.pat.maint, {}, [NO_PERMISSION]);
    const before = await snapshot(h);
    expectNotAvailable(await create(w.pat.outsider, {}), 'groupAccessTokenCreate');
    expectNotAvailable(
      await h.gql(CREATE_GROUP_TOKEN, { input: { groupPath: 'nope', name: 't', scopes: ['api'] } }, { token: w.pat.owner }),
      'groupAccessTokenCreate',
    );
    expect(await snapshot(h)).toEqual(before);
  });

  it('#26 a bot with the Owner role may not create one either', async () => {
    const bot = await h.createResourceToken({ group: w.group }, { accessLevel: 50 });
    await expectRefused(bot.secret, {}, [NO_PERMISSION]);
  });

  it('#27 an Owner-level group token: the bot is an Owner of G', async () => {
    const res = await create(w.pat.owner, { accessLevel: 'OWNER' });
    const payload = res.data.groupAccessTokenCreate;
    expect(payload.errors).toEqual([]);
    expect(payload.accessToken.accessLevel).toEqual({ integerValue: 50, stringValue: 'OWNER', humanAccess: 'Owner' });
    expect((await membershipsOf(h, idOf(payload.accessToken.user.id))).map((m) => m.accessLevel)).toEqual([50]);
  });

  it('#27 the Owner may hand out every role', async () => {
    for (const level of ['GUEST', 'PLANNER', 'REPORTER', 'DEVELOPER', 'MAINTAINER', 'OWNER']) {
      const res = await create(w.pat.owner, { accessLevel: level, name: level });
      expect(res.data.groupAccessTokenCreate.accessToken.accessLevel.stringValue).toBe(level);
    }
  });

  it('#28 the Owner of a subgroup creates a token on it', async () => {
    const sOwner = await h.createUser(`sowner${w.group.id}`);
    const sub = await h.createGroup('sub', { parent: w.group.fullPath, owner: sOwner });
    const { secret } = await h.createPat(sOwner, ['api']);
    const res = await h.gql(CREATE_GROUP_TOKEN, { input: { groupPath: sub.fullPath, name: 'sub token', scopes: ['read_api'] } }, { token: secret });
    const payload = res.data.groupAccessTokenCreate;
    expect(payload.errors).toEqual([]);
    const bot = (await userRow(h, idOf(payload.accessToken.user.id)))!;
    expect(bot.username).toMatch(new RegExp(`^group_${sub.id}_bot_[0-9a-f]{32}$`));
    expect(await membershipsOf(h, bot.id)).toEqual([expect.objectContaining({ sourceType: 'Namespace', sourceId: sub.id })]);
    // The owner of the top-level group may do it too (inherited ownership).
    const byTop = await h.gql(CREATE_GROUP_TOKEN, { input: { groupPath: sub.fullPath, name: 'top', scopes: ['api'] } }, { token: w.pat.owner });
    expect(byTop.data.groupAccessTokenCreate.errors).toEqual([]);
  });

  it('group tokens follow the same scope, expiry and role rules', async () => {
    await expectRefused(w.pat.owner, { scopes: ['read_user'] }, ['Scopes can only contain available scopes']);
    await expectRefused(w.pat.owner, { expiresAt: day(366) }, [`Expires at must be before ${day(365)}`]);
    await expectRefused(w.pat.owner, { name: '' }, ["Name can't be blank"]);
  });

  it('an administrator may create a group token without being a member', async () => {
    const res = await create(w.pat.admin, { accessLevel: 'OWNER' });
    expect(res.data.groupAccessTokenCreate.errors).toEqual([]);
  });
});
