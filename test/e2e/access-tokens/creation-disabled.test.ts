/**
 * Issue 3, docs/reference/gitlab-access-tokens.md §10 "Creation disabled (top-level setting)" (#29-#36),
 * and §7: `groupUpdate` with `resourceAccessTokenCreationAllowed` (owners only, refused on a subgroup)
 * and the `Group.resourceAccessTokenCreationAllowed` field.
 *
 * #34 "401 (admin in admin mode → 404)": both are GitLab's top-level "resource not available" error here.
 * #35 is a model spec; its GraphQL form is `groupUpdate` on a subgroup, refused in the payload.
 */
import { Namespace } from '../../../src/modules/namespace/namespace.entity';
import {
  CREATE_GROUP_TOKEN,
  createProjectToken,
  expectNotAvailable,
  expectPayloadErrors,
  expectTokenWorks,
  GROUP_UPDATE,
  idOf,
  patGid,
  PROJECT_TOKENS,
  REVOKE_PROJECT_TOKEN,
  ROTATE_GROUP_TOKEN,
  ROTATE_PROJECT_TOKEN,
  snapshot,
  tokenRow,
  useWorld,
} from './fixtures';

const SUBGROUP_REFUSAL = 'Resource access token creation allowed is not allowed since the group is not top-level group.';

describe('resource access token creation disabled on the top-level group', () => {
  const { h, w } = useWorld();

  const setAllowed = (secret: string, fullPath: string, allowed: boolean | null) =>
    h.gql(GROUP_UPDATE, { input: { fullPath, resourceAccessTokenCreationAllowed: allowed, clientMutationId: 'u' } }, { token: secret });

  async function disable() {
    const res = await setAllowed(w.pat.owner, w.group.fullPath, false);
    expect(res.data.groupUpdate).toEqual({
      clientMutationId: 'u',
      errors: [],
      group: { fullPath: w.group.fullPath, resourceAccessTokenCreationAllowed: false },
    });
  }

  it('#29 no project token on a project of G, nor of a subgroup of G (inferred from policy)', async () => {
    const sub = await h.createGroup('sub', { parent: w.group.fullPath });
    const deep = await h.createProject('deep', sub.fullPath);
    await h.addMember({ project: deep }, w.maint, 'maintainer');
    await disable();
    const before = await snapshot(h);
    for (const path of [w.project.fullPath, deep.fullPath]) {
      for (const secret of [w.pat.maint, w.pat.owner, w.pat.admin]) {
        expectPayloadErrors(await createProjectToken(h, secret, { projectPath: path }), 'projectAccessTokenCreate', [
          'User does not have permission to create project access token',
        ]);
      }
    }
    expect(await snapshot(h)).toEqual(before);
  });

  it('#29 a project in a personal namespace is never affected', async () => {
    await disable();
    const home = await h.createProject('home', w.maint.username);
    const res = await createProjectToken(h, w.pat.maint, { projectPath: home.fullPath });
    expect(res.data.projectAccessTokenCreate.errors).toEqual([]);
  });

  it('#30 no group token on a subgroup (inferred), nor on G itself', async () => {
    const sOwner = await h.createUser(`so${w.group.id}`);
    const sub = await h.createGroup('sub', { parent: w.group.fullPath, owner: sOwner });
    const { secret } = await h.createPat(sOwner, ['api']);
    await disable();
    const before = await snapshot(h);
    const onSub = await h.gql(CREATE_GROUP_TOKEN, { input: { groupPath: sub.fullPath, name: 't', scopes: ['api'] } }, { token: secret });
    expectPayloadErrors(onSub, 'groupAccessTokenCreate', ['User does not have permission to create group access token']);
    const onTop = await h.gql(CREATE_GROUP_TOKEN, { input: { groupPath: w.group.fullPath, name: 't', scopes: ['api'] } }, { token: w.pat.owner });
    expectPayloadErrors(onTop, 'groupAccessTokenCreate', ['User does not have permission to create group access token']);
    expect(await snapshot(h)).toEqual(before);
  });

  it('#31 a token created before the switch keeps working (doc)', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'] });
    await disable();
    const res = await h.gql(`{ project(fullPath: "${w.project.fullPath}") { fullPath } }`, {}, { token: bot.secret });
    expect(res.status).toBe(200);
    expect(res.data.project).toEqual({ fullPath: w.project.fullPath });
    await expectTokenWorks(h, bot.secret, bot.bot.username);
  });

  it('#32 a token created before the switch can still be revoked (inferred)', async () => {
    const bot = await h.createResourceToken({ project: w.project });
    await disable();
    const res = await h.gql(REVOKE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, id: patGid(bot.token.id) } }, { token: w.pat.maint });
    expect(res.data.projectAccessTokenRevoke.errors).toEqual([]);
    expect(res.data.projectAccessTokenRevoke.accessToken).toMatchObject({ revoked: true, active: false });
    expect((await tokenRow(h, bot.token.id))!.revoked).toBe(true);
  });

  it('#33 tokens can still be listed (inferred)', async () => {
    const bot = await h.createResourceToken({ project: w.project });
    await disable();
    const res = await h.gql(PROJECT_TOKENS, { path: w.project.fullPath }, { token: w.pat.maint });
    expect(res.errors).toBeUndefined();
    expect(res.data.project.accessTokens.nodes.map((n: { id: string }) => idOf(n.id))).toEqual([bot.token.id]);
  });

  it('#34 rotation by id is refused, to the Owner and to an administrator alike (inferred)', async () => {
    const bot = await h.createResourceToken({ project: w.project });
    const groupBot = await h.createResourceToken({ group: w.group });
    await disable();
    const before = await snapshot(h);
    for (const secret of [w.pat.owner, w.pat.maint, w.pat.admin]) {
      const res = await h.gql(ROTATE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, id: patGid(bot.token.id) } }, { token: secret });
      expectNotAvailable(res, 'projectAccessTokenRotate');
    }
    const g = await h.gql(ROTATE_GROUP_TOKEN, { input: { groupPath: w.group.fullPath, id: patGid(groupBot.token.id) } }, { token: w.pat.owner });
    expectNotAvailable(g, 'groupAccessTokenRotate');
    expect(await snapshot(h)).toEqual(before);
    expect((await tokenRow(h, bot.token.id))!.revoked).toBe(false);
  });

  it('#34 a token may still rotate itself (inferred: self-rotation checks neither role nor setting)', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['api'] });
    await disable();
    const res = await h.gql(ROTATE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, id: patGid(bot.token.id) } }, { token: bot.secret });
    expect(res.data.projectAccessTokenRotate.errors).toEqual([]);
    expect(res.data.projectAccessTokenRotate.token).toMatch(/^glpat-/);
  });

  it('#35 a subgroup cannot be switched off; the top-level group can', async () => {
    const sub = await h.createGroup('sub', { parent: w.group.fullPath });
    const refused = await setAllowed(w.pat.owner, sub.fullPath, false);
    expectPayloadErrors(refused, 'groupUpdate', [SUBGROUP_REFUSAL]);
    expect((await h.app.dataSource.getRepository(Namespace).findOneBy({ id: sub.id }))!.resourceAccessTokenCreationAllowed).toBe(true);
    // `true` on a subgroup is what it reports anyway: accepted, nothing to change.
    const noop = await setAllowed(w.pat.owner, sub.fullPath, true);
    expect(noop.data.groupUpdate.errors).toEqual([]);
    await disable();
  });

  it('#36 the Owner switches it off and on again; it is persisted and read from the top-level group', async () => {
    const sub = await h.createGroup('sub', { parent: w.group.fullPath });
    const read = async () => {
      const res = await h.gql(
        `query($a: ID!, $b: ID!) { top: group(fullPath: $a) { resourceAccessTokenCreationAllowed } sub: group(fullPath: $b) { resourceAccessTokenCreationAllowed } }`,
        { a: w.group.fullPath, b: sub.fullPath },
        { token: w.pat.owner },
      );
      return [res.data.top.resourceAccessTokenCreationAllowed, res.data.sub.resourceAccessTokenCreationAllowed];
    };
    expect(await read()).toEqual([true, true]);
    await disable();
    expect((await h.app.dataSource.getRepository(Namespace).findOneBy({ id: w.group.id }))!.resourceAccessTokenCreationAllowed).toBe(false);
    expect(await read()).toEqual([false, false]);
    const on = await setAllowed(w.pat.owner, w.group.fullPath, true);
    expect(on.data.groupUpdate.group.resourceAccessTokenCreationAllowed).toBe(true);
    expect(await read()).toEqual([true, true]);
    expect((await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath })).data.projectAccessTokenCreate.errors).toEqual([]);
  });

  it('groupUpdate is for Owners (and administrators) only', async () => {
    const gm = await h.createUser(`gmaint${w.group.id}`);
    await h.addMember({ group: w.group }, gm, 'maintainer');
    const { secret } = await h.createPat(gm, ['api']);
    expectNotAvailable(await setAllowed(secret, w.group.fullPath, false), 'groupUpdate');
    expectNotAvailable(await setAllowed(w.pat.maint, w.group.fullPath, false), 'groupUpdate');
    expectNotAvailable(await setAllowed(w.pat.outsider, w.group.fullPath, false), 'groupUpdate');
    expectNotAvailable(await h.gql(GROUP_UPDATE, { input: { fullPath: w.group.fullPath, resourceAccessTokenCreationAllowed: false } }), 'groupUpdate');
    // The Owner's read_api token cannot run mutations.
    const { secret: readOnly } = await h.createPat(w.owner, ['read_api']);
    expectNotAvailable(await setAllowed(readOnly, w.group.fullPath, false), 'groupUpdate');
    expect((await h.app.dataSource.getRepository(Namespace).findOneBy({ id: w.group.id }))!.resourceAccessTokenCreationAllowed).toBe(true);
    const byAdmin = await setAllowed(w.pat.admin, w.group.fullPath, false);
    expect(byAdmin.data.groupUpdate.group.resourceAccessTokenCreationAllowed).toBe(false);
  });

  it('groupUpdate without the setting changes nothing', async () => {
    const res = await h.gql(GROUP_UPDATE, { input: { fullPath: w.group.fullPath } }, { token: w.pat.owner });
    expect(res.data.groupUpdate).toMatchObject({ errors: [], group: { resourceAccessTokenCreationAllowed: true } });
  });
});
