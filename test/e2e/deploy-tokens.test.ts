import { authenticateClient } from '../../src/auth/pipeline';
import { RESOURCE_NOT_AVAILABLE } from '../../src/core/errors';
import type { User } from '../../src/modules/user/user.entity';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * Deploy tokens over GraphQL: a Labgate addition in the style of the resource access tokens (GitLab
 * has no GraphQL for them), with the REST API's rules (reference §3.3 to §3.5).
 */
describe('GraphQL deploy tokens', () => {
  let h: Harness;
  const tokens: Record<string, string> = {};
  const users: Record<string, User> = {};
  let statements = 0;
  let counting = false;

  const CREATE_PROJECT = `mutation($input: ProjectDeployTokenCreateInput!) { projectDeployTokenCreate(input: $input) {
    errors token deployToken { id name username scopes expiresAt revoked expired active }
  } }`;
  const CREATE_GROUP = `mutation($input: GroupDeployTokenCreateInput!) { groupDeployTokenCreate(input: $input) {
    errors token deployToken { id username scopes }
  } }`;
  const REVOKE_PROJECT = `mutation($input: ProjectDeployTokenRevokeInput!) { projectDeployTokenRevoke(input: $input) {
    errors deployToken { id revoked active }
  } }`;
  const LIST_PROJECT = `query($path: ID!, $active: Boolean, $first: Int) { project(fullPath: $path) {
    deployTokens(active: $active, first: $first) { count nodes { id name username revoked active } }
  } }`;

  beforeAll(async () => {
    h = await startHarness({ onQuery: () => void (counting && (statements += 1)) });
    for (const name of ['owner', 'gmaint', 'maint', 'dev', 'reporter']) users[name] = await h.createUser(name);
    const group = await h.createGroup('acme', { owner: users.owner });
    await h.createGroup('tools', { parent: 'acme' });
    const project = await h.createProject('api', 'acme/tools');
    await h.addMember({ group }, users.gmaint, 'maintainer');
    await h.addMember({ project }, users.maint, 'maintainer');
    await h.addMember({ project }, users.dev, 'developer');
    await h.addMember({ project }, users.reporter, 'reporter');
    for (const [name, user] of Object.entries(users)) tokens[name] = (await h.createPat(user, ['api'])).secret;
    tokens.readApi = (await h.createPat(users.maint, ['read_api'])).secret;
  });
  afterAll(() => h.close());

  it('a Maintainer creates a project token: the secret once, the default user name, no expiry', async () => {
    const res = await h.gql(CREATE_PROJECT, { input: { projectPath: 'acme/tools/api', name: 'ci', scopes: ['read_repository', 'read_registry'] } }, { token: tokens.maint });
    expect(res.errors).toBeUndefined();
    const payload = res.data.projectDeployTokenCreate;
    expect(payload.errors).toEqual([]);
    expect(payload.token).toMatch(/^gldt-[A-Za-z0-9_-]{20}$/);
    const id = Number(payload.deployToken.id.split('/').pop());
    expect(payload.deployToken).toEqual({
      id: `gid://gitlab/DeployToken/${id}`,
      name: 'ci',
      username: `gitlab+deploy-token-${id}`,
      scopes: ['read_repository', 'read_registry'],
      expiresAt: null,
      revoked: false,
      expired: false,
      active: true,
    });
    expect(await authenticateClient(h.app, { login: payload.deployToken.username, password: payload.token }, '192.0.2.10')).toMatchObject({ status: 'authenticated' });
  });

  it('refusals change nothing: a Developer (not available), a read_api token (scope), a bad user name (payload), an unknown scope, a bad time', async () => {
    const before = await h.rowCounts();
    const input = { projectPath: 'acme/tools/api', name: 'x', scopes: ['read_repository'] };

    const dev = await h.gql(CREATE_PROJECT, { input }, { token: tokens.dev });
    expect(dev.errors?.[0].message).toBe(RESOURCE_NOT_AVAILABLE);
    expect(dev.data.projectDeployTokenCreate).toBeNull();

    const readOnly = await h.gql(CREATE_PROJECT, { input }, { token: tokens.readApi });
    // A read_api token reaches no mutation: GitLab's one answer for what the caller may not do.
    expect(readOnly.errors?.[0].message).toBe(RESOURCE_NOT_AVAILABLE);

    const badName = await h.gql(CREATE_PROJECT, { input: { ...input, username: 'bad name!' } }, { token: tokens.maint });
    expect(badName.errors).toBeUndefined();
    expect(badName.data.projectDeployTokenCreate).toEqual({
      errors: ["Username can contain only letters, digits, '_', '-', '+', and '.'"],
      token: null,
      deployToken: null,
    });

    const noScopes = await h.gql(CREATE_PROJECT, { input: { ...input, scopes: [] } }, { token: tokens.maint });
    expect(noScopes.data.projectDeployTokenCreate.errors).toEqual(["Scopes can't be blank"]);

    const unknownScope = await h.gql(CREATE_PROJECT, { input: { ...input, scopes: ['write_repository'] } }, { token: tokens.maint });
    expect(unknownScope.errors?.[0].message).toBe('scopes does not have a valid value');

    const badTime = await h.gql(CREATE_PROJECT, { input: { ...input, expiresAt: 'soon' } }, { token: tokens.maint });
    expect(badTime.errors?.[0].message).toMatch(/"soon" is not a valid Time/);

    const hidden = await h.gql(CREATE_PROJECT, { input: { ...input, projectPath: 'acme/nothing' } }, { token: tokens.maint });
    expect(hidden.errors?.[0].message).toBe(RESOURCE_NOT_AVAILABLE);
    expect(await h.rowCounts()).toEqual(before);
  });

  it('group tokens: the Owner creates, a group Maintainer may not; a Maintainer lists them', async () => {
    const before = await h.rowCounts();
    const maint = await h.gql(CREATE_GROUP, { input: { groupPath: 'acme', name: 'g', scopes: ['read_repository'] } }, { token: tokens.gmaint });
    expect(maint.errors?.[0].message).toBe(RESOURCE_NOT_AVAILABLE);
    expect(await h.rowCounts()).toEqual(before);
    const owner = await h.gql(
      CREATE_GROUP,
      { input: { groupPath: 'acme', name: 'g', scopes: ['write_registry'], username: 'pusher', expiresAt: '2027-01-01' } },
      { token: tokens.owner },
    );
    expect(owner.data.groupDeployTokenCreate).toMatchObject({ errors: [], deployToken: { username: 'pusher', scopes: ['write_registry'] } });
    const listed = await h.gql(`{ group(fullPath: "acme") { deployTokens { nodes { username expiresAt } } } }`, {}, { token: tokens.gmaint });
    expect(listed.data.group.deployTokens.nodes).toEqual([{ username: 'pusher', expiresAt: '2027-01-01T00:00:00Z' }]);
    const groupRevoke = `mutation($input: GroupDeployTokenRevokeInput!) { groupDeployTokenRevoke(input: $input) { errors deployToken { revoked } } }`;
    const revokeInput = { input: { groupPath: 'acme', id: owner.data.groupDeployTokenCreate.deployToken.id } };
    const byMaintainer = await h.gql(groupRevoke, revokeInput, { token: tokens.gmaint });
    expect(byMaintainer.errors?.[0].message).toBe(RESOURCE_NOT_AVAILABLE);
    expect((await h.rowCounts()).revokedDeployTokens).toBe(before.revokedDeployTokens);
    const byOwner = await h.gql(groupRevoke, revokeInput, { token: tokens.owner });
    expect(byOwner.data.groupDeployTokenRevoke).toEqual({ errors: [], deployToken: { revoked: true } });
    const dev = await h.gql(`{ group(fullPath: "acme") { deployTokens { nodes { id } } } }`, {}, { token: tokens.dev });
    expect(dev.errors).toBeUndefined();
    expect(dev.data.group.deployTokens).toBeNull();
  });

  it('lists for Maintainers only (null for a Reporter), and revoking keeps the token listed but stops it', async () => {
    const created = await h.gql(CREATE_PROJECT, { input: { projectPath: 'acme/tools/api', name: 'r', scopes: ['read_repository'], username: 'rev' } }, { token: tokens.maint });
    const { id } = created.data.projectDeployTokenCreate.deployToken;
    const secret = created.data.projectDeployTokenCreate.token;

    const reporter = await h.gql(LIST_PROJECT, { path: 'acme/tools/api' }, { token: tokens.reporter });
    expect(reporter.errors).toBeUndefined();
    expect(reporter.data.project.deployTokens).toBeNull();

    const devRevoke = await h.gql(REVOKE_PROJECT, { input: { projectPath: 'acme/tools/api', id } }, { token: tokens.dev });
    expect(devRevoke.errors?.[0].message).toBe(RESOURCE_NOT_AVAILABLE);
    expect(await authenticateClient(h.app, { login: 'rev', password: secret }, '192.0.2.11')).toMatchObject({ status: 'authenticated' });

    const revoked = await h.gql(REVOKE_PROJECT, { input: { projectPath: 'acme/tools/api', id } }, { token: tokens.maint });
    expect(revoked.data.projectDeployTokenRevoke).toEqual({ errors: [], deployToken: { id, revoked: true, active: false } });
    expect(await authenticateClient(h.app, { login: 'rev', password: secret }, '192.0.2.12')).toEqual({ status: 'invalid' });

    const all = await h.gql(LIST_PROJECT, { path: 'acme/tools/api' }, { token: tokens.maint });
    const active = await h.gql(LIST_PROJECT, { path: 'acme/tools/api', active: true }, { token: tokens.maint });
    expect(all.data.project.deployTokens.nodes.map((t: any) => t.id)).toContain(id);
    expect(active.data.project.deployTokens.nodes.map((t: any) => t.id)).not.toContain(id);
    expect(all.data.project.deployTokens.count).toBe(active.data.project.deployTokens.count + 1);

    // A group token's id is not the project's: not found through the project.
    const groupToken = (await h.gql(`{ group(fullPath: "acme") { deployTokens { nodes { id } } } }`, {}, { token: tokens.owner })).data.group.deployTokens.nodes[0].id;
    const wrongHolder = await h.gql(REVOKE_PROJECT, { input: { projectPath: 'acme/tools/api', id: groupToken } }, { token: tokens.maint });
    expect(wrongHolder.errors?.[0].message).toBe(RESOURCE_NOT_AVAILABLE);
    const wrongType = await h.gql(REVOKE_PROJECT, { input: { projectPath: 'acme/tools/api', id: 'gid://gitlab/Project/1' } }, { token: tokens.maint });
    expect(wrongType.errors?.[0].message).toContain('"gid://gitlab/Project/1" does not represent an instance of DeployToken');
  });

  it('lists the tokens of many projects in a fixed number of statements', async () => {
    const owner = users.owner;
    await h.createGroup('fleet', { owner });
    for (let i = 0; i < 6; i += 1) {
      const project = await h.createProject(`svc${i}`, 'fleet');
      await h.app.services.deployTokens.create(h.system(), { kind: 'project', project }, { name: `t${i}`, scopes: ['read_repository'] });
    }
    const query = `query($n: Int) { group(fullPath: "fleet") { projects(first: $n) { nodes { deployTokens { count nodes { id username active } } } } } }`;
    const run = async (n: number) => {
      statements = 0;
      counting = true;
      const res = await h.gql(query, { n }, { token: tokens.owner });
      counting = false;
      expect(res.errors).toBeUndefined();
      expect(res.data.group.projects.nodes).toHaveLength(n);
      expect(res.data.group.projects.nodes.every((p: any) => p.deployTokens.count === 1)).toBe(true);
      return statements;
    };
    await run(2);
    const small = await run(2);
    const large = await run(6);
    expect(large).toBeLessThanOrEqual(small + 2);
  });
});
