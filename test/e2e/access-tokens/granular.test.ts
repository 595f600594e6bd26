/**
 * Issue 12: fine-grained (granular) personal access tokens, end to end over GraphQL and the
 * `labgate` command. One world:
 *
 *   acme (group, private)            alice Owner
 *     acme/platform                  (subgroup)
 *       acme/platform/deep           (subgroup)  -> project acme/platform/deep/engine
 *       project acme/platform/api
 *     project acme/web               bob Guest (and of acme/platform/api)
 *   other (group, private)           alice Owner -> project other/tool
 *   public-org (group, public)       nobody      -> project public-org/open (public)
 *   alice's personal namespace       -> project alice/notes
 */
import { authenticate } from '../../../src/auth/authenticate';
import { checkGranularPermission } from '../../../src/auth/granular';
import { RequestContext } from '../../../src/core/context';
import { GranularScope } from '../../../src/modules/access-token/granular-scope.entity';
import { PersonalAccessToken } from '../../../src/modules/access-token/personal-access-token.entity';
import { RESOURCE_NOT_AVAILABLE } from '../../../src/core/errors';
import type { Namespace } from '../../../src/modules/namespace/namespace.entity';
import type { Project } from '../../../src/modules/project/project.entity';
import type { User } from '../../../src/modules/user/user.entity';
import { useHarness, type Harness } from '../../helpers/harness';

const CREATE = `mutation($input: PersonalAccessTokenCreateInput!) { personalAccessTokenCreate(input: $input) { errors token } }`;
const ROTATE = `mutation($input: PersonalAccessTokenRotateInput!) { personalAccessTokenRotate(input: $input) { errors token } }`;
const REVOKE = `mutation($input: PersonalAccessTokenRevokeInput!) { personalAccessTokenRevoke(input: $input) { errors } }`;
const PROJECT = `query($p: ID!) { project(fullPath: $p) { fullPath } }`;
const GROUP = `query($g: ID!) { group(fullPath: $g) { fullPath } }`;
// A small page: the node limit counts each unpaged list (scopes, permissions) as a full page.
const MY_TOKENS = `{ currentUser { personalAccessTokens(sort: ID_DESC, first: 3) { nodes { id name granular
  scopes { __typename ... on AccessTokenLegacyScope { value }
    ... on AccessTokenGranularScope { access namespace { fullPath } permissions { name } } } } } } }`;

const denied = (permissions: string[], path?: string) =>
  `Access denied: Your Personal Access Token lacks the required permissions: [${permissions.join(', ')}]${path ? ` for "${path}"` : ''}.`;

const messages = (res: { errors?: Array<{ message: string }> }) => (res.errors ?? []).map((e) => e.message);

const gid = (model: string, id: number) => `gid://gitlab/${model}/${id}`;

interface World {
  alice: User;
  bob: User;
  acme: Namespace;
  platform: Namespace;
  deep: Namespace;
  other: Namespace;
  api: Project;
  web: Project;
  engine: Project;
  tool: Project;
  open: Project;
  notes: Project;
  aliceApi: string;
  bobApi: string;
}

async function seed(h: Harness): Promise<World> {
  const alice = await h.createUser('alice');
  const bob = await h.createUser('bob');
  const acme = await h.createGroup('acme', { owner: alice });
  const platform = await h.createGroup('platform', { parent: 'acme' });
  const deep = await h.createGroup('deep', { parent: 'acme/platform' });
  const other = await h.createGroup('other', { owner: alice });
  await h.createGroup('public-org', { visibility: 'public' });
  const api = await h.createProject('api', 'acme/platform');
  const web = await h.createProject('web', 'acme');
  const engine = await h.createProject('engine', 'acme/platform/deep');
  const tool = await h.createProject('tool', 'other');
  const open = await h.createProject('open', 'public-org', { visibility: 'public' });
  const notes = await h.createProject('notes', 'alice');
  await h.addMember({ project: web }, bob, 'guest');
  await h.addMember({ project: api }, bob, 'guest');
  const aliceApi = (await h.createPat(alice, ['api'])).secret;
  const bobApi = (await h.createPat(bob, ['api'])).secret;
  return { alice, bob, acme, platform, deep, other, api, web, engine, tool, open, notes, aliceApi, bobApi };
}

describe('fine-grained personal access tokens', () => {
  const h = useHarness();
  let w: World;
  beforeAll(async () => {
    w = await seed(h);
  });

  async function granular(owner: string, granularScopes: unknown[], name = 'fine'): Promise<string> {
    const res = await h.gql(CREATE, { input: { name, granularScopes } }, { token: owner });
    expect(res.errors).toBeUndefined();
    expect(res.data.personalAccessTokenCreate.errors).toEqual([]);
    return res.data.personalAccessTokenCreate.token;
  }

  const readProject = async (token: string, path: string) => {
    const res = await h.gql(PROJECT, { p: path }, { token });
    return { value: res.data?.project?.fullPath ?? null, errors: (res.errors ?? []).map((e: { message: string }) => e.message) };
  };
  const readGroup = async (token: string, path: string) => {
    const res = await h.gql(GROUP, { g: path }, { token });
    return { value: res.data?.group?.fullPath ?? null, errors: (res.errors ?? []).map((e: { message: string }) => e.message) };
  };

  const granularRows = () => h.app.dataSource.getRepository(GranularScope).count();
  const tokenRows = () => h.app.dataSource.getRepository(PersonalAccessToken).count();

  describe('creation', () => {
    it('creates a token with scopes ["granular"] and its granular scopes, shown as GitLab shows them', async () => {
      const token = await granular(w.aliceApi, [
        { access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project', 'read_member'], resourceIds: [gid('Project', w.api.id), gid('Group', w.other.id)] },
        { access: 'PERSONAL_PROJECTS', permissions: ['read_project'] },
        { access: 'USER', permissions: ['read_user', 'read_personal_access_token'] },
      ], 'shown');
      expect(token).toMatch(/^glpat-/);
      const row = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ name: 'shown' });
      expect(row).toMatchObject({ granular: true, scopes: ['granular'] });

      // Read with a classic token: every namespace is readable to it.
      const res = await h.gql(MY_TOKENS, {}, { token: w.aliceApi });
      expect(res.errors).toBeUndefined();
      const mine = res.data.currentUser.personalAccessTokens.nodes.find((t: { name: string }) => t.name === 'shown');
      expect(mine.granular).toBe(true);
      // Groups first, then projects (as GitLab builds them); a project's scope shows the namespace it is in.
      expect(mine.scopes).toEqual([
        { __typename: 'AccessTokenGranularScope', access: 'SELECTED_MEMBERSHIPS', namespace: { fullPath: 'other' }, permissions: [{ name: 'read_project' }, { name: 'read_member' }] },
        { __typename: 'AccessTokenGranularScope', access: 'SELECTED_MEMBERSHIPS', namespace: { fullPath: 'acme/platform' }, permissions: [{ name: 'read_project' }, { name: 'read_member' }] },
        { __typename: 'AccessTokenGranularScope', access: 'PERSONAL_PROJECTS', namespace: { fullPath: 'alice' }, permissions: [{ name: 'read_project' }] },
        { __typename: 'AccessTokenGranularScope', access: 'USER', namespace: null, permissions: [{ name: 'read_user' }, { name: 'read_personal_access_token' }] },
      ]);
      // The token itself reads its own scopes (user-level permissions), but not the groups they name
      // without read_group there.
      const own = await h.gql(MY_TOKENS, {}, { token });
      const ownScopes = own.data.currentUser.personalAccessTokens.nodes.find((t: { name: string }) => t.name === 'shown').scopes;
      expect(ownScopes.map((s: { access: string; permissions: unknown }) => [s.access, s.permissions])).toEqual(mine.scopes.map((s: { access: string; permissions: unknown }) => [s.access, s.permissions]));
      expect(messages(own).sort()).toEqual(
        [denied(['read_group'], 'acme/platform'), denied(['read_group'], 'alice'), denied(['read_group'], 'other')].sort(),
      );
    });

    it.each([
      [[], 'At least one granular scope must be provided'],
      [[{ access: 'USER', permissions: ['read_user'] }, { access: 'INSTANCE', permissions: ['read_metadata'] }], 'The token cannot have multiple instance-level granular scopes'],
      [[{ access: 'ALL_MEMBERSHIPS', permissions: ['read_project'] }, { access: 'USER', permissions: ['read_user'] }], 'The token cannot have multiple instance-level granular scopes'],
      [[{ access: 'PERSONAL_PROJECTS', permissions: ['read_project'] }, { access: 'PERSONAL_PROJECTS', permissions: ['read_member'] }], 'The token cannot have multiple granular scopes for the same namespace'],
      [[{ access: 'USER', permissions: ['read_everything'] }], 'Permissions must be a valid json schema'],
      [[{ access: 'USER', permissions: [] }], 'Permissions must be a valid json schema'],
      [[{ access: 'USER', permissions: ['read_user', 'read_user'] }], 'Permissions must be a valid json schema'],
    ])('refuses %j with "%s" and writes nothing', async (scopes, message) => {
      const [tokens, rows] = [await tokenRows(), await granularRows()];
      const res = await h.gql(CREATE, { input: { name: 'bad', granularScopes: scopes } }, { token: w.aliceApi });
      expect(res.errors).toBeUndefined();
      expect(res.data.personalAccessTokenCreate).toEqual({ errors: [message], token: null });
      expect([await tokenRows(), await granularRows()]).toEqual([tokens, rows]);
    });

    it('refuses the same namespace twice within one SELECTED_MEMBERSHIPS scope, and a blank name with GitLab messages', async () => {
      const twice = await h.gql(
        CREATE,
        { input: { name: 'x', granularScopes: [{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], resourceIds: [gid('Group', w.acme.id), gid('Group', w.acme.id)] }] } },
        { token: w.aliceApi },
      );
      expect(twice.data.personalAccessTokenCreate.errors).toEqual(['The token cannot have multiple granular scopes for the same namespace']);
      const blank = await h.gql(CREATE, { input: { name: ' ', granularScopes: [{ access: 'USER', permissions: ['read_user'] }] } }, { token: w.aliceApi });
      expect(blank.data.personalAccessTokenCreate.errors).toEqual(["Name can't be blank"]);
      const both = await h.gql(CREATE, { input: { name: 'x', scopes: ['api'], granularScopes: [{ access: 'USER', permissions: ['read_user'] }] } }, { token: w.aliceApi });
      expect(both.data.personalAccessTokenCreate.errors).toEqual(['Give either scopes or granular scopes, not both']);
    });

    it('refuses a group or project the user is not a member of as "not available", and ignores ids that load nothing', async () => {
      const tokens = await tokenRows();
      const res = await h.gql(
        CREATE,
        { input: { name: 'x', granularScopes: [{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], resourceIds: [gid('Project', w.web.id)] }] } },
        { token: w.aliceApi },
      );
      expect(res.data.personalAccessTokenCreate.token).toBeTruthy();
      const notMember = await h.gql(
        CREATE,
        { input: { name: 'x', granularScopes: [{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], resourceIds: [gid('Project', w.tool.id)] }] } },
        { token: w.bobApi },
      );
      expect(notMember.data.personalAccessTokenCreate).toBeNull();
      expect(messages(notMember)).toEqual([RESOURCE_NOT_AVAILABLE]);
      const nothing = await h.gql(
        CREATE,
        { input: { name: 'x', granularScopes: [{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], resourceIds: [gid('Project', 999999), gid('User', w.bob.id)] }] } },
        { token: w.bobApi },
      );
      expect(nothing.data.personalAccessTokenCreate.errors).toEqual(['At least one granular scope must be provided']);
      expect(await tokenRows()).toBe(tokens + 1);
      // Beside a scope that applies, an id naming nothing is left out and the token is made without it,
      // as GitLab's mutation skips resources that do not load (its spec: "when resource_ids do not match
      // a group or project" creates nothing only because no scope is left).
      const partly = await h.gql(
        CREATE,
        { input: { name: 'x', granularScopes: [{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], resourceIds: [gid('Group', 999999)] }, { access: 'USER', permissions: ['read_user'] }] } },
        { token: w.bobApi },
      );
      expect(partly.data.personalAccessTokenCreate.errors).toEqual([]);
      expect(await tokenRows()).toBe(tokens + 2);
    });

    it('lists the permission catalogue by category with GitLab names', async () => {
      const res = await h.gql(
        `{ accessTokenPermissions { name action resource resourceName resourceDescription category categoryName description boundaries } }`,
        {},
        { token: w.aliceApi },
      );
      expect(res.errors).toBeUndefined();
      const list = res.data.accessTokenPermissions;
      expect(list.find((p: { name: string }) => p.name === 'read_project')).toEqual({
        name: 'read_project',
        action: 'read',
        resource: 'project',
        resourceName: 'Project',
        resourceDescription: expect.stringContaining('Grants the ability to archive, create, delete, fork'),
        category: 'projects',
        categoryName: 'Projects',
        description: 'Grants the ability to read projects',
        boundaries: ['GROUP', 'PROJECT', 'USER'],
      });
      expect(list.find((p: { name: string }) => p.name === 'read_personal_access_token')).toMatchObject({ categoryName: 'System Access', resourceName: 'Personal Access Token' });
      const categories = list.map((p: { category: string }) => p.category);
      expect(categories).toEqual([...categories].sort());
    });
  });

  describe('reach per access kind', () => {
    it('SELECTED_MEMBERSHIPS on one project reads that project and nothing else', async () => {
      const token = await granular(w.aliceApi, [{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project', 'read_group'], resourceIds: [gid('Project', w.api.id)] }]);
      expect(await readProject(token, 'acme/platform/api')).toEqual({ value: 'acme/platform/api', errors: [] });
      expect(await readProject(token, 'acme/web')).toEqual({ value: null, errors: [denied(['read_project'], 'acme/web')] });
      expect(await readProject(token, 'acme/platform/deep/engine')).toEqual({ value: null, errors: [denied(['read_project'], 'acme/platform/deep/engine')] });
      expect(await readGroup(token, 'acme/platform')).toEqual({ value: null, errors: [denied(['read_group'], 'acme/platform')] });
      // Following a link out of the project reaches another resource: refused there.
      const link = await h.gql(`{ project(fullPath: "acme/platform/api") { name group { fullPath } } }`, {}, { token });
      expect(link.data.project).toEqual({ name: 'api', group: null });
      expect((link.errors ?? []).map((e) => [(e.path ?? []).join('.'), e.message])).toEqual([
        ['project.group.fullPath', denied(['read_group'], 'acme/platform')],
      ]);
      // A permission the scope does not hold, on the project itself.
      const members = await h.gql(`{ project(fullPath: "acme/platform/api") { projectMembers { nodes { id } } } }`, {}, { token });
      expect(messages(members)).toEqual([denied(['read_member'], 'acme/platform/api')]);
      // Lists at the top are the user's: a project scope does not open them.
      const list = await h.gql(`{ projects(membership: true) { nodes { fullPath } } }`, {}, { token });
      expect(list.data.projects).toBeNull();
      expect(messages(list)).toEqual([denied(['read_project'])]);
    });

    it('SELECTED_MEMBERSHIPS on a group reaches its subgroups and their projects, not its parent nor a sibling group', async () => {
      const token = await granular(w.aliceApi, [{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project', 'read_group'], resourceIds: [gid('Group', w.platform.id)] }]);
      expect((await readGroup(token, 'acme/platform')).value).toBe('acme/platform');
      expect((await readGroup(token, 'acme/platform/deep')).value).toBe('acme/platform/deep');
      expect((await readProject(token, 'acme/platform/api')).value).toBe('acme/platform/api');
      expect((await readProject(token, 'acme/platform/deep/engine')).value).toBe('acme/platform/deep/engine');
      expect(await readGroup(token, 'acme')).toEqual({ value: null, errors: [denied(['read_group'], 'acme')] });
      expect(await readGroup(token, 'other')).toEqual({ value: null, errors: [denied(['read_group'], 'other')] });
      expect(await readProject(token, 'acme/web')).toEqual({ value: null, errors: [denied(['read_project'], 'acme/web')] });
      expect(await readProject(token, 'other/tool')).toEqual({ value: null, errors: [denied(['read_project'], 'other/tool')] });
      // The group's own list of projects, below it.
      const below = await h.gql(`{ group(fullPath: "acme/platform") { projects(includeSubgroups: true) { nodes { fullPath } } } }`, {}, { token });
      expect(below.errors).toBeUndefined();
      expect(below.data.group.projects.nodes.map((p: { fullPath: string }) => p.fullPath).sort()).toEqual(['acme/platform/api', 'acme/platform/deep/engine']);
    });

    it('PERSONAL_PROJECTS reaches the projects of the user’s own namespace only', async () => {
      const token = await granular(w.aliceApi, [{ access: 'PERSONAL_PROJECTS', permissions: ['read_project'] }]);
      expect((await readProject(token, 'alice/notes')).value).toBe('alice/notes');
      expect(await readProject(token, 'acme/web')).toEqual({ value: null, errors: [denied(['read_project'], 'acme/web')] });
      expect(await readProject(token, 'other/tool')).toEqual({ value: null, errors: [denied(['read_project'], 'other/tool')] });
    });

    it('ALL_MEMBERSHIPS reaches every membership, and nothing the user is not a member of (a public project)', async () => {
      const token = await granular(w.aliceApi, [{ access: 'ALL_MEMBERSHIPS', permissions: ['read_project'] }]);
      for (const path of ['acme/web', 'acme/platform/deep/engine', 'other/tool']) expect((await readProject(token, path)).value).toBe(path);
      expect(await readProject(token, 'public-org/open')).toEqual({ value: null, errors: [denied(['read_project'], 'public-org/open')] });
      // The same public project with a classic token: visible.
      expect((await readProject(w.aliceApi, 'public-org/open')).value).toBe('public-org/open');
    });

    it('USER and INSTANCE reach standalone resources only', async () => {
      const user = await granular(w.aliceApi, [{ access: 'USER', permissions: ['read_user'] }]);
      const me = await h.gql(`{ currentUser { username } }`, {}, { token: user });
      expect(me).toMatchObject({ data: { currentUser: { username: 'alice' } } });
      expect(me.errors).toBeUndefined();
      expect(messages(await h.gql(`{ metadata { version } }`, {}, { token: user }))).toEqual([denied(['read_metadata'])]);
      expect((await readProject(user, 'acme/web')).errors).toEqual([denied(['read_project'], 'acme/web')]);
      const instance = await granular(w.aliceApi, [{ access: 'INSTANCE', permissions: ['read_metadata'] }]);
      expect((await h.gql(`{ metadata { version } }`, {}, { token: instance })).errors).toBeUndefined();
      expect(messages(await h.gql(`{ currentUser { username } }`, {}, { token: instance }))).toEqual([denied(['read_user'])]);
    });

    it('a hidden resource stays hidden: null without an error, as for any token', async () => {
      const token = await granular(w.bobApi, [{ access: 'ALL_MEMBERSHIPS', permissions: ['read_project', 'read_group'] }]);
      expect(await readProject(token, 'other/tool')).toEqual({ value: null, errors: [] });
      expect(await readProject(token, 'no/such')).toEqual({ value: null, errors: [] });
      expect((await readProject(token, 'acme/web')).value).toBe('acme/web');
    });
  });

  describe('mutations', () => {
    const CREATE_PROJECT_TOKEN = `mutation($input: ProjectAccessTokenCreateInput!) { projectAccessTokenCreate(input: $input) { errors token } }`;
    const GROUP_UPDATE = `mutation($input: GroupUpdateInput!) { groupUpdate(input: $input) { errors } }`;

    it('a write needs its permission on the resource it names, and changes nothing without it', async () => {
      const reader = await granular(w.aliceApi, [{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], resourceIds: [gid('Project', w.api.id)] }]);
      const before = await tokenRows();
      const refused = await h.gql(CREATE_PROJECT_TOKEN, { input: { projectPath: 'acme/platform/api', name: 'bot', scopes: ['read_api'] } }, { token: reader });
      expect(refused.data.projectAccessTokenCreate).toBeNull();
      expect(messages(refused)).toEqual([denied(['create_resource_access_token'], 'acme/platform/api')]);
      expect(await tokenRows()).toBe(before);

      const writer = await granular(w.aliceApi, [
        { access: 'SELECTED_MEMBERSHIPS', permissions: ['create_resource_access_token'], resourceIds: [gid('Project', w.api.id)] },
      ]);
      // The permission lets the request through; the token it would make is classic, which a
      // fine-grained token never makes (creator-bounds.ts).
      const ok = await h.gql(CREATE_PROJECT_TOKEN, { input: { projectPath: 'acme/platform/api', name: 'bot', scopes: ['read_api'] } }, { token: writer });
      expect(ok.errors).toBeUndefined();
      expect(ok.data.projectAccessTokenCreate.errors).toEqual(['A fine-grained token can only create fine-grained tokens']);
      expect(await tokenRows()).toBe(before + 1);
      // Held for one project, not for another one of the same owner.
      const elsewhere = await h.gql(CREATE_PROJECT_TOKEN, { input: { projectPath: 'acme/web', name: 'bot', scopes: ['read_api'] } }, { token: writer });
      expect(messages(elsewhere)).toEqual([denied(['create_resource_access_token'], 'acme/web')]);
    });

    it('a permission held without the role is refused by the role: a Guest holding update_group and update_member', async () => {
      await h.addMember({ group: w.other }, w.bob, 'guest');
      const token = await granular(w.bobApi, [
        { access: 'SELECTED_MEMBERSHIPS', permissions: ['update_group', 'update_member'], resourceIds: [gid('Group', w.other.id), gid('Project', w.web.id)] },
      ]);
      const update = await h.gql(GROUP_UPDATE, { input: { fullPath: 'other', resourceAccessTokenCreationAllowed: false } }, { token });
      expect(update.data.groupUpdate).toBeNull();
      expect(messages(update)).toEqual([RESOURCE_NOT_AVAILABLE]);
      const bulk = await h.gql(
        `mutation($input: ProjectMemberBulkUpdateInput!) { projectMemberBulkUpdate(input: $input) { errors } }`,
        { input: { projectId: gid('Project', w.web.id), userIds: [gid('User', w.bob.id)], accessLevel: 'DEVELOPER' } },
        { token },
      );
      const refusal = bulk.data?.projectMemberBulkUpdate?.errors ?? messages(bulk);
      expect(refusal.length).toBeGreaterThan(0);
      const [row] = await h.app.dataSource.query(`SELECT access_level FROM members WHERE user_id = ${w.bob.id} AND source_type = 'Project' AND source_id = ${w.web.id}`);
      expect(Number(row.access_level)).toBe(10);
      const group = await h.app.services.groups.findById(h.system(), w.other.id);
      expect(group!.resourceAccessTokenCreationAllowed).toBe(true);
    });
  });

  describe('lifecycle', () => {
    it('rotation keeps the granular scopes; the new token reaches what the old one did', async () => {
      const token = await granular(w.aliceApi, [{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], resourceIds: [gid('Project', w.api.id)] }], 'rotating');
      const row = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ name: 'rotating' });
      const rotated = await h.gql(ROTATE, { input: { id: gid('PersonalAccessToken', row.id) } }, { token: w.aliceApi });
      expect(rotated.data.personalAccessTokenRotate.errors).toEqual([]);
      const next = rotated.data.personalAccessTokenRotate.token;
      expect((await readProject(next, 'acme/platform/api')).value).toBe('acme/platform/api');
      expect((await readProject(next, 'acme/web')).errors).toEqual([denied(['read_project'], 'acme/web')]);
      expect((await h.gql(PROJECT, { p: 'acme/platform/api' }, { token })).status).toBe(401);
      const successor = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ previousPersonalAccessTokenId: row.id });
      expect(successor).toMatchObject({ granular: true, scopes: ['granular'] });
      const scopes = await h.app.dataSource.getRepository(GranularScope).findBy({ personalAccessTokenId: successor.id });
      expect(scopes.map((s) => [s.access, s.projectId, s.permissions])).toEqual([[2, w.api.id, ['read_project']]]);
      // The old token's scopes stay with it (a revoked token still lists them).
      expect(await h.app.dataSource.getRepository(GranularScope).countBy({ personalAccessTokenId: row.id })).toBe(1);
    });

    it('a granular token rotates and revokes with the user-level permissions; revoking ends it', async () => {
      const token = await granular(w.aliceApi, [{ access: 'USER', permissions: ['rotate_personal_access_token', 'revoke_personal_access_token', 'read_user'] }], 'self');
      const row = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ name: 'self' });
      const rotated = await h.gql(ROTATE, { input: { id: gid('PersonalAccessToken', row.id) } }, { token });
      expect(rotated.data.personalAccessTokenRotate.errors).toEqual([]);
      const next = rotated.data.personalAccessTokenRotate.token;
      const successor = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ previousPersonalAccessTokenId: row.id });
      const revoked = await h.gql(REVOKE, { input: { id: gid('PersonalAccessToken', successor.id) } }, { token: next });
      expect(revoked.data.personalAccessTokenRevoke.errors).toEqual([]);
      expect((await h.gql(`{ currentUser { username } }`, {}, { token: next })).status).toBe(401);
      expect(await h.app.dataSource.getRepository(GranularScope).countBy({ personalAccessTokenId: successor.id })).toBe(1);

      const without = await granular(w.aliceApi, [{ access: 'USER', permissions: ['read_user'] }], 'no-revoke');
      const target = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ name: 'no-revoke' });
      const refused = await h.gql(REVOKE, { input: { id: gid('PersonalAccessToken', target.id) } }, { token: without });
      expect(messages(refused)).toEqual([denied(['revoke_personal_access_token'])]);
      expect((await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ id: target.id })).revoked).toBe(false);
    });

    it('a granular token cannot mint a classic token without create_user_personal_access_token', async () => {
      const token = await granular(w.aliceApi, [{ access: 'USER', permissions: ['read_user'] }]);
      const before = await tokenRows();
      const res = await h.gql(CREATE, { input: { name: 'escalate', scopes: ['api'] } }, { token });
      expect(messages(res)).toEqual([denied(['create_user_personal_access_token'])]);
      expect(await tokenRows()).toBe(before);
    });
  });

  describe('labgate tokens create --granular', () => {
    it('creates a fine-grained token from the readable syntax', async () => {
      const res = await h.cli(['tokens', 'create', '--user', 'alice', '--name', 'cli', '--granular', 'project:acme/platform/api=read_project; user=read_user', '--json']);
      expect(res.err).toBe('');
      expect(res.code).toBe(0);
      expect(res.json.scopes).toEqual(['granular']);
      expect((await readProject(res.json.token, 'acme/platform/api')).value).toBe('acme/platform/api');
      expect((await readProject(res.json.token, 'acme/web')).errors).toEqual([denied(['read_project'], 'acme/web')]);
    });

    it('explains a malformed scope and a refused one, and writes nothing', async () => {
      const before = await tokenRows();
      const bad = await h.cli(['tokens', 'create', '--user', 'alice', '--name', 'cli', '--granular', 'projects=read_project']);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('WHERE must be user, instance, all-memberships, personal-projects, group:PATH or project:PATH');
      const refused = await h.cli(['tokens', 'create', '--user', 'alice', '--name', 'cli', '--granular', 'user=read_user;instance=read_metadata']);
      expect(refused.code).not.toBe(0);
      expect(refused.err).toContain('The token cannot have multiple instance-level granular scopes');
      const both = await h.cli(['tokens', 'create', '--user', 'alice', '--name', 'cli', '--scopes', 'api', '--granular', 'user=read_user']);
      expect(both.code).toBe(2);
      expect(await tokenRows()).toBe(before);
    });
  });

  describe('checkGranularPermission (for REST routes)', () => {
    async function contextOf(secret: string) {
      const outcome = await authenticate(h.app, secret);
      if (outcome.status !== 'authenticated') throw new Error(outcome.status);
      return new RequestContext(h.app, outcome.principal);
    }

    it('answers null when the token may, and GitLab’s message when it may not', async () => {
      const token = await granular(w.aliceApi, [
        { access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project', 'update_project'], resourceIds: [gid('Group', w.platform.id)] },
        { access: 'USER', permissions: ['read_user'] },
      ]);
      const ctx = await contextOf(token);
      const p = ctx.principal;
      expect(await checkGranularPermission(p, 'read_project', { project: w.api }, ctx)).toBeNull();
      // A raw permission granted by an assignable one (`update_project` grants `star_project`).
      expect(await checkGranularPermission(p, ['star_project', 'unstar_project'], { project: w.engine }, ctx)).toBeNull();
      expect(await checkGranularPermission(p, 'read_project', { project: w.web }, ctx)).toBe(denied(['read_project'], 'acme/web'));
      expect(await checkGranularPermission(p, 'read_group', { group: w.platform }, ctx)).toBe(denied(['read_group'], 'acme/platform'));
      expect(await checkGranularPermission(p, 'read_user', 'user', ctx)).toBeNull();
      expect(await checkGranularPermission(p, 'read_metadata', 'instance', ctx)).toBe(denied(['read_metadata']));
      // Several boundaries: any one that grants everything is enough (GitLab's multi-boundary routes).
      expect(await checkGranularPermission(p, 'read_project', [{ project: w.web }, 'user'], ctx)).toBe(
        'Access denied: Your Personal Access Token lacks the required permissions: [read_project] for "acme/web", [read_project].',
      );
      // A route that cannot name its resource is refused, as GitLab refuses an undeclared route.
      expect(await checkGranularPermission(p, 'read_project', null, ctx)).toBe('Unable to determine boundaries for authorization');
      // Any other token passes untouched.
      const classic = await contextOf(w.aliceApi);
      expect(await checkGranularPermission(classic.principal, 'read_project', { project: w.tool }, classic)).toBeNull();
    });
  });

  it('leaves classic tokens as they were', async () => {
    expect((await readProject(w.aliceApi, 'acme/web')).value).toBe('acme/web');
    expect((await readGroup(w.aliceApi, 'acme')).value).toBe('acme');
  });
});

describe('fine-grained tokens turned off (LABGATE_FINE_GRAINED_TOKENS=false)', () => {
  const h = useHarness({ config: { fineGrainedTokens: false } });

  it('refuses to create them, lists no permissions, and refuses the ones that exist', async () => {
    const alice = await h.createUser('alice');
    const api = (await h.createPat(alice, ['api'])).secret;
    const res = await h.gql(CREATE, { input: { name: 'x', granularScopes: [{ access: 'USER', permissions: ['read_user'] }] } }, { token: api });
    expect(messages(res)).toEqual(['`granular_personal_access_tokens` feature flag is disabled.']);
    const perms = await h.gql(`{ accessTokenPermissions { name } }`, {}, { token: api });
    expect(messages(perms)).toEqual([RESOURCE_NOT_AVAILABLE]);

    // A token made while the setting was on stops working for anything but the open fields.
    const ctx = h.as(alice);
    const made = await h.app.services.tokenLifecycle.issue(ctx, h.app.dataSource.manager, alice, { name: 'old', scopes: ['granular'], granular: true });
    await h.app.services.tokenLifecycle.addGranularScopes(ctx, h.app.dataSource.manager, made.token.id, [
      { access: 'user', namespaceId: null, projectId: null, permissions: ['read_user'] },
    ]);
    const me = await h.gql(`{ currentUser { username } }`, {}, { token: made.secret });
    expect(messages(me)).toEqual(['Granular tokens are not yet supported']);
  });
});
