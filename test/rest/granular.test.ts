/**
 * Fine-grained (granular) personal access tokens over the REST API: the plugin checks each route's
 * declared permission on its declared boundary, once for every route, after `:id` was looked up and
 * before the route's own ability check. One world:
 *
 *   acme (group, private)              alice Owner
 *     acme/platform                    (subgroup)  -> project acme/platform/api (bob Guest)
 *       acme/platform/deep             (subgroup)  -> project acme/platform/deep/engine
 *     acme/tools                       (subgroup, sibling of platform) -> project acme/tools/cli
 *     project acme/web                 bob Guest
 *   other (group, private)             alice Owner -> project other/tool
 *   hidden (group, private)            nobody      -> project hidden/vault
 *   public-org (group, public)         nobody      -> project public-org/open (public)
 *   alice's personal namespace         -> project alice/notes
 *   root                               administrator
 */
import { ASSIGNABLE_PERMISSIONS, RAW_PERMISSIONS } from '../../src/auth/granular-permissions';
import type { GranularScopeRequest } from '../../src/modules/access-token/personal-access-token.service';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { REST_ROUTES } from '../../src/rest/routes';
import { useHarness } from '../helpers/harness';

const denied = (permissions: string[], path?: string) =>
  `Access denied: Your Personal Access Token lacks the required permissions: [${permissions.join(', ')}]${path ? ` for "${path}"` : ''}.`;
const UNDECLARED = 'Unable to determine boundaries and permissions for authorization';

/** GitLab's answer to a granular token without the route's permission (the API guard's OAuth error). */
const refusal = (description: string) => ({ status: 403, body: { error: 'insufficient_granular_scope', error_description: description } });

describe('REST API with fine-grained personal access tokens', () => {
  let counting = false;
  let statements = 0;
  const h = useHarness({
    onQuery: () => {
      if (counting) statements += 1;
    },
  });
  let alice: User;
  let bob: User;
  let root: User;
  let acme: Namespace;
  let platform: Namespace;
  let deep: Namespace;
  let tools: Namespace;
  let other: Namespace;
  let api: Project;
  let engine: Project;
  let cli: Project;
  let web: Project;
  let tool: Project;
  let vault: Project;
  let notes: Project;
  let open: Project;

  beforeAll(async () => {
    alice = await h.createUser('alice');
    bob = await h.createUser('bob');
    root = await h.createUser('root', { admin: true });
    acme = await h.createGroup('acme', { owner: alice });
    platform = await h.createGroup('platform', { parent: 'acme' });
    deep = await h.createGroup('deep', { parent: 'acme/platform' });
    tools = await h.createGroup('tools', { parent: 'acme' });
    other = await h.createGroup('other', { owner: alice });
    await h.createGroup('hidden');
    api = await h.createProject('api', 'acme/platform');
    engine = await h.createProject('engine', 'acme/platform/deep');
    cli = await h.createProject('cli', 'acme/tools');
    web = await h.createProject('web', 'acme');
    tool = await h.createProject('tool', 'other');
    vault = await h.createProject('vault', 'hidden');
    notes = await h.createProject('notes', 'alice');
    await h.createGroup('public-org', { visibility: 'public' });
    open = await h.createProject('open', 'public-org', { visibility: 'public' });
    await h.addMember({ project: web }, bob, 'guest');
    await h.addMember({ project: api }, bob, 'guest');
  });

  async function granular(user: User, ...granularScopes: GranularScopeRequest[]): Promise<string> {
    return (await h.app.services.tokens.createGranular(h.as(user), user, { name: 'fine', granularScopes })).secret;
  }
  const onProject = (project: Project, ...permissions: string[]): GranularScopeRequest => ({
    access: 'selected_memberships',
    permissions,
    resources: [{ kind: 'project', project }],
  });
  const onGroup = (group: Namespace, ...permissions: string[]): GranularScopeRequest => ({
    access: 'selected_memberships',
    permissions,
    resources: [{ kind: 'group', group }],
  });

  const call = (token: string, method: string, url: string, body?: unknown, extraHeaders?: Record<string, string>) => h.rest(method, url, token, body, extraHeaders);
  const get = (token: string, url: string) => call(token, 'GET', url);
  const answer = async (promise: ReturnType<typeof call>) => {
    const r = await promise;
    return { status: r.status, body: r.body };
  };
  const project = (p: Project) => `/projects/${encodeURIComponent(p.fullPath)}`;
  const group = (g: Namespace) => `/groups/${encodeURIComponent(g.fullPath)}`;

  describe('the permission each route declares (reviewed)', () => {
    /**
     * Each route's fine-grained permission, the boundary it is checked on, and the assignable
     * permission a token must hold for it, as in gitlab-fine-grained-tokens.md §7 (a route GitLab
     * declares nothing for: `none`, refused to every granular token). Reviewed by hand: a change
     * here is a change of what granular tokens may do over REST.
     */
    const REVIEWED: Record<string, string> = {
      'GET /projects/:id/access_tokens': 'read_resource_access_token on project, granted by read_resource_access_token',
      'GET /projects/:id/access_tokens/:token_id': 'read_resource_access_token on project, granted by read_resource_access_token',
      'POST /projects/:id/access_tokens': 'create_resource_access_token on project, granted by create_resource_access_token',
      'POST /projects/:id/access_tokens/:token_id/rotate': 'rotate_resource_access_token on project, granted by rotate_resource_access_token',
      'POST /projects/:id/access_tokens/self/rotate': 'rotate_resource_access_token on project, granted by rotate_resource_access_token',
      'DELETE /projects/:id/access_tokens/:token_id': 'delete_resource_access_token on project, granted by delete_resource_access_token',
      'GET /groups/:id/access_tokens': 'read_resource_access_token on group, granted by read_resource_access_token',
      'GET /groups/:id/access_tokens/:token_id': 'read_resource_access_token on group, granted by read_resource_access_token',
      'POST /groups/:id/access_tokens': 'create_resource_access_token on group, granted by create_resource_access_token',
      'POST /groups/:id/access_tokens/:token_id/rotate': 'rotate_resource_access_token on group, granted by rotate_resource_access_token',
      'POST /groups/:id/access_tokens/self/rotate': 'rotate_resource_access_token on group, granted by rotate_resource_access_token',
      'DELETE /groups/:id/access_tokens/:token_id': 'delete_resource_access_token on group, granted by delete_resource_access_token',
      'GET /personal_access_tokens': 'read_personal_access_token on user, granted by read_personal_access_token',
      'GET /personal_access_tokens/:id': 'read_personal_access_token on user, granted by read_personal_access_token',
      'POST /personal_access_tokens/:id/rotate': 'rotate_personal_access_token on user, granted by rotate_personal_access_token',
      'DELETE /personal_access_tokens/:id': 'revoke_personal_access_token on user, granted by revoke_personal_access_token',
      'GET /personal_access_tokens/self': 'none',
      'DELETE /personal_access_tokens/self': 'none',
      'POST /personal_access_tokens/self/rotate': 'none',
      'POST /users/:user_id/personal_access_tokens': 'none',
      'POST /user/personal_access_tokens': 'create_user_personal_access_token on user, granted by create_user_personal_access_token',
      'GET /user': 'read_user on user, granted by read_user',
      'GET /users/:id': 'read_user on user, granted by read_user',
      'GET /users/:user_id/contributed_projects': 'read_contributed_project on user, granted by read_project',
      'GET /projects': 'read_project on user, granted by read_project',
      'GET /projects/:id': 'read_project on project, granted by read_project',
      'GET /groups': 'read_group on user, granted by read_group',
      'GET /groups/:id': 'read_group on group, granted by read_group',
      'GET /projects/:id/members': 'read_member on project, granted by read_member',
      'GET /projects/:id/members/all': 'read_member on project, granted by read_member',
      'GET /projects/:id/members/:user_id': 'read_member on project, granted by read_member',
      'GET /projects/:id/members/all/:user_id': 'read_member on project, granted by read_member',
      'POST /projects/:id/members': 'create_member on project, granted by create_member',
      'PUT /projects/:id/members/:user_id': 'update_member on project, granted by update_member',
      'DELETE /projects/:id/members/:user_id': 'delete_member on project, granted by delete_member',
      'GET /groups/:id/members': 'read_member on group, granted by read_member',
      'GET /groups/:id/members/all': 'read_member on group, granted by read_member',
      'GET /groups/:id/members/:user_id': 'read_member on group, granted by read_member',
      'GET /groups/:id/members/all/:user_id': 'read_member on group, granted by read_member',
      'POST /groups/:id/members': 'create_member on group, granted by create_member',
      'PUT /groups/:id/members/:user_id': 'update_member on group, granted by update_member',
      'DELETE /groups/:id/members/:user_id': 'delete_member on group, granted by delete_member',
      'POST /projects/:id/share': 'share_project on project, granted by share_project',
      'DELETE /projects/:id/share/:group_id': 'unshare_project on project, granted by share_project',
      'POST /groups/:id/share': 'share_group on group, granted by share_group',
      'DELETE /groups/:id/share/:group_id': 'unshare_group on group, granted by share_group',
      'GET /groups/:id/groups/shared': 'read_shared_group on group, granted by read_group',
      'GET /groups/:id/projects/shared': 'read_shared_project on group, granted by read_group',
      'GET /projects/:id/invited_groups': 'read_project_invited_group on project, granted by read_project',
      'GET /version': 'read_metadata on instance, granted by read_metadata',
      'GET /metadata': 'read_metadata on instance, granted by read_metadata',
      'GET /deploy_tokens': 'read_deploy_token on instance, granted by read_deploy_token',
      'GET /projects/:id/deploy_tokens': 'read_deploy_token on project, granted by read_deploy_token',
      'GET /projects/:id/deploy_tokens/:token_id': 'read_deploy_token on project, granted by read_deploy_token',
      'POST /projects/:id/deploy_tokens': 'create_deploy_token on project, granted by create_deploy_token',
      'DELETE /projects/:id/deploy_tokens/:token_id': 'delete_deploy_token on project, granted by delete_deploy_token',
      'GET /groups/:id/deploy_tokens': 'read_deploy_token on group, granted by read_deploy_token',
      'GET /groups/:id/deploy_tokens/:token_id': 'read_deploy_token on group, granted by read_deploy_token',
      'POST /groups/:id/deploy_tokens': 'create_deploy_token on group, granted by create_deploy_token',
      'DELETE /groups/:id/deploy_tokens/:token_id': 'delete_deploy_token on group, granted by delete_deploy_token',
      // Protected branches: no permission in the catalogue, so no fine-grained token manages them (inferred).
      'GET /projects/:id/protected_branches': 'none',
      'GET /projects/:id/protected_branches/:name': 'none',
      'POST /projects/:id/protected_branches': 'none',
      'DELETE /projects/:id/protected_branches/:name': 'none',
    };

    it('matches the reviewed table: permission, boundary and the assignable permission that grants it', () => {
      const declared: Record<string, string> = {};
      for (const route of REST_ROUTES) {
        const key = `${route.method} ${route.url}`;
        if (!route.permission) {
          declared[key] = 'none';
          continue;
        }
        const grantedBy = ASSIGNABLE_PERMISSIONS.filter((a) => a.permissions.includes(route.permission!)).map((a) => a.name);
        declared[key] = `${route.permission} on ${route.boundary}, granted by ${grantedBy.join(' or ') || 'nothing'}`;
      }
      expect(declared).toEqual(REVIEWED);
    });

    it('declares only raw permissions a token can hold, on a boundary the granting permission allows, with the resource looked up', () => {
      for (const route of REST_ROUTES.filter((r) => r.permission)) {
        const where = `${route.method} ${route.url}`;
        expect({ where, known: RAW_PERMISSIONS.has(route.permission!) }).toEqual({ where, known: true });
        const boundaries = ASSIGNABLE_PERMISSIONS.filter((a) => a.permissions.includes(route.permission!)).flatMap((a) => a.boundaries);
        expect({ where, allowed: boundaries.includes(route.boundary!) }).toEqual({ where, allowed: true });
        // A project or group boundary is checked on the `:id` the route looks up.
        if (route.boundary === 'project' || route.boundary === 'group') expect({ where, resource: route.resource }).toEqual({ where, resource: route.boundary });
      }
    });
  });

  describe('a token for one project', () => {
    let token: string;
    beforeAll(async () => {
      token = await granular(alice, onProject(api, 'read_project'));
    });

    it('reads that project, by id and by path', async () => {
      expect(await answer(get(token, `/projects/${api.id}`))).toMatchObject({ status: 200, body: { id: api.id, path_with_namespace: 'acme/platform/api' } });
      expect((await get(token, project(api))).status).toBe(200);
    });

    it("shows the project's namespace object only with read_group there, as GraphQL's Project.namespace (issue 18)", async () => {
      const rest = await get(token, `/projects/${api.id}`);
      expect(rest.body).toMatchObject({ path_with_namespace: 'acme/platform/api', name_with_namespace: 'acme / platform / api', namespace: null });
      const gql = await h.gql(`{ project(fullPath: "acme/platform/api") { fullPath namespace { fullPath } } }`, {}, { token });
      expect(gql.data.project).toEqual({ fullPath: 'acme/platform/api', namespace: null });
      expect(gql.errors?.map((e: { message: string }) => e.message)).toEqual([denied(['read_group'], 'acme/platform')]);
      // With read_group on the namespace, both show it.
      const both = await granular(alice, onGroup(platform, 'read_project', 'read_group'));
      expect((await get(both, `/projects/${api.id}`)).body.namespace).toMatchObject({ id: platform.id, full_path: 'acme/platform', kind: 'group' });
      expect((await h.gql(`{ project(fullPath: "acme/platform/api") { namespace { fullPath } } }`, {}, { token: both })).data.project.namespace).toEqual({ fullPath: 'acme/platform' });
    });

    it("is refused every other project of the user, with GitLab's error naming the project", async () => {
      for (const p of [web, engine, tool, notes]) {
        expect(await answer(get(token, project(p)))).toEqual(refusal(denied(['read_project'], p.fullPath)));
      }
    });

    it('is refused the project’s group and the permissions it does not hold on the project itself', async () => {
      expect(await answer(get(token, group(platform)))).toEqual(refusal(denied(['read_group'], 'acme/platform')));
      expect(await answer(get(token, `${project(api)}/members`))).toEqual(refusal(denied(['read_member'], 'acme/platform/api')));
      expect(await answer(get(token, `${project(api)}/access_tokens`))).toEqual(refusal(denied(['read_resource_access_token'], 'acme/platform/api')));
    });

    it('gets 404 for a project its user cannot see or that does not exist: a refusal never says it exists', async () => {
      expect(await answer(get(token, project(vault)))).toEqual({ status: 404, body: { message: '404 Project Not Found' } });
      expect(await answer(get(token, `/projects/${vault.id}`))).toEqual({ status: 404, body: { message: '404 Project Not Found' } });
      expect(await answer(get(token, '/projects/acme%2Fnope'))).toEqual({ status: 404, body: { message: '404 Project Not Found' } });
      expect(await answer(call(token, 'POST', `/projects/${vault.id}/members`, { user_id: bob.id, access_level: 30 }))).toEqual({
        status: 404,
        body: { message: '404 Project Not Found' },
      });
    });

    it('is refused user-level and instance-level routes (no USER or INSTANCE scope)', async () => {
      expect(await answer(get(token, '/user'))).toEqual(refusal(denied(['read_user'])));
      expect(await answer(get(token, '/projects'))).toEqual(refusal(denied(['read_project'])));
      expect(await answer(get(token, '/version'))).toEqual(refusal(denied(['read_metadata'])));
    });

    it("answers with GitLab's OAuth error: JSON, no WWW-Authenticate challenge", async () => {
      const response = await get(token, project(web));
      expect(response.status).toBe(403);
      expect(response.headers['content-type']).toBe('application/json');
      expect(response.headers['www-authenticate']).toBeUndefined();
      expect(JSON.parse(response.text)).toEqual({ error: 'insufficient_granular_scope', error_description: denied(['read_project'], 'acme/web') });
      // HEAD, which Fastify answers for every GET route, is checked the same way.
      expect((await call(token, 'HEAD', project(web))).status).toBe(403);
      expect((await call(token, 'HEAD', project(api))).status).toBe(200);
    });
  });

  describe('a token for one group', () => {
    let token: string;
    beforeAll(async () => {
      token = await granular(alice, onGroup(platform, 'read_project', 'read_group', 'read_member'));
    });

    it('reaches the group, its subgroups and the projects in them', async () => {
      for (const p of [api, engine]) expect((await get(token, project(p))).status).toBe(200);
      for (const g of [platform, deep]) expect((await get(token, group(g))).status).toBe(200);
      const members = await get(token, `${project(engine)}/members/all`);
      expect(members.status).toBe(200);
      expect(members.body.map((m: { username: string }) => m.username)).toContain('alice');
    });

    it('does not reach a sibling group, its projects, the parent group or its projects', async () => {
      expect(await answer(get(token, group(tools)))).toEqual(refusal(denied(['read_group'], 'acme/tools')));
      expect(await answer(get(token, project(cli)))).toEqual(refusal(denied(['read_project'], 'acme/tools/cli')));
      expect(await answer(get(token, group(acme)))).toEqual(refusal(denied(['read_group'], 'acme')));
      expect(await answer(get(token, project(web)))).toEqual(refusal(denied(['read_project'], 'acme/web')));
      expect(await answer(get(token, group(other)))).toEqual(refusal(denied(['read_group'], 'other')));
    });
  });

  describe('PERSONAL_PROJECTS', () => {
    it("reaches the user's personal projects and nothing in groups", async () => {
      const token = await granular(alice, { access: 'personal_projects', permissions: ['read_project', 'read_member'] });
      expect(await answer(get(token, project(notes)))).toMatchObject({ status: 200, body: { path_with_namespace: 'alice/notes' } });
      expect((await get(token, `${project(notes)}/members/all`)).status).toBe(200);
      expect(await answer(get(token, project(api)))).toEqual(refusal(denied(['read_project'], 'acme/platform/api')));
      expect(await answer(get(token, project(tool)))).toEqual(refusal(denied(['read_project'], 'other/tool')));
    });
  });

  describe('USER and INSTANCE', () => {
    it('USER with read_user reads GET /user and GET /users/:id, and nothing of projects or groups', async () => {
      const token = await granular(alice, { access: 'user', permissions: ['read_user'] });
      expect(await answer(get(token, '/user'))).toMatchObject({ status: 200, body: { id: alice.id, username: 'alice' } });
      expect(await answer(get(token, `/users/${bob.id}`))).toMatchObject({ status: 200, body: { id: bob.id, username: 'bob' } });
      expect(await answer(get(token, project(notes)))).toEqual(refusal(denied(['read_project'], 'alice/notes')));
      expect(await answer(get(token, '/projects'))).toEqual(refusal(denied(['read_project'])));
      expect(await answer(get(token, '/personal_access_tokens'))).toEqual(refusal(denied(['read_personal_access_token'])));
      expect(await answer(get(token, '/metadata'))).toEqual(refusal(denied(['read_metadata'])));
    });

    it('USER without read_user is refused GET /user', async () => {
      const token = await granular(alice, { access: 'user', permissions: ['read_project'] });
      expect(await answer(get(token, '/user'))).toEqual(refusal(denied(['read_user'])));
      // read_project on the user boundary opens the project list, filtered as for the user.
      const list = await get(token, '/projects?per_page=100');
      expect(list.status).toBe(200);
      expect(list.body.map((p: { path_with_namespace: string }) => p.path_with_namespace)).not.toContain('hidden/vault');
    });

    it('USER with read_personal_access_token lists the tokens, the granular one with scopes ["granular"]', async () => {
      const token = await granular(alice, { access: 'user', permissions: ['read_personal_access_token'] });
      const list = await get(token, '/personal_access_tokens?per_page=100');
      expect(list.status).toBe(200);
      expect(list.body.every((t: { user_id: number }) => t.user_id === alice.id)).toBe(true);
      expect(list.body.some((t: { scopes: string[] }) => t.scopes.length === 1 && t.scopes[0] === 'granular')).toBe(true);
    });

    it('INSTANCE with read_metadata reads /version and /metadata only', async () => {
      const token = await granular(alice, { access: 'instance', permissions: ['read_metadata'] });
      expect((await get(token, '/version')).status).toBe(200);
      expect((await get(token, '/metadata')).status).toBe(200);
      expect(await answer(get(token, '/user'))).toEqual(refusal(denied(['read_user'])));
    });
  });

  describe('never more than the user or a classic api token', () => {
    it('a permission held without the role is refused as the classic api token is, and changes nothing', async () => {
      // bob is a Guest of acme/web: holding create_member / update_member does not make him able to.
      const token = await granular(bob, onProject(web, 'read_project', 'read_member', 'create_member', 'update_member', 'create_resource_access_token'));
      const classic = (await h.createPat(bob, ['api'], { name: 'bob api' })).secret;
      const before = await h.rowCounts();
      const attempts: Array<[string, string, unknown]> = [
        ['POST', `/projects/${web.id}/members`, { user_id: root.id, access_level: 30 }],
        ['PUT', `/projects/${web.id}/members/${alice.id}`, { access_level: 10 }],
        ['POST', `/projects/${web.id}/access_tokens`, { name: 'bot', scopes: ['api'] }],
      ];
      for (const [method, url, body] of attempts) {
        const fine = await answer(call(token, method, url, body));
        const api = await answer(call(classic, method, url, body));
        expect({ method, url, fine }).toEqual({ method, url, fine: api });
        expect(fine.status).toBeGreaterThanOrEqual(400);
      }
      const after = await h.rowCounts();
      expect({ ...after, personal_access_tokens: before.personal_access_tokens }).toEqual(before);
      // What a Guest may do, the token still may.
      expect((await get(token, `/projects/${web.id}/members`)).status).toBe(200);
    });

    it('a held permission on a project the user is not a member of is refused (membership is required)', async () => {
      const token = await granular(bob, { access: 'all_memberships', permissions: ['read_project'] });
      const classic = (await h.createPat(bob, ['api'], { name: 'bob api 2' })).secret;
      expect((await get(token, project(api))).status).toBe(200);
      // A public project bob reads with an api token, but is no member of: GitLab's boundary check
      // wants a membership (or an administrator).
      expect((await get(classic, project(open))).status).toBe(200);
      expect(await answer(get(token, project(open)))).toEqual(refusal(denied(['read_project'], 'public-org/open')));
      // alice's other/tool: bob cannot see it at all, so it is not found rather than refused.
      expect(await answer(get(token, project(tool)))).toEqual({ status: 404, body: { message: '404 Project Not Found' } });
    });

    it('writes with the permission and the role succeed, as with an api token', async () => {
      const token = await granular(alice, onProject(api, 'read_member', 'update_member'));
      const res = await call(token, 'PUT', `/projects/${api.id}/members/${bob.id}`, { access_level: 20 });
      expect(res).toMatchObject({ status: 200, body: { id: bob.id, access_level: 20 } });
      await call(token, 'PUT', `/projects/${api.id}/members/${bob.id}`, { access_level: 10 });
    });

    it('a refused write changes nothing', async () => {
      const token = await granular(alice, onProject(api, 'read_member'));
      const before = await h.rowCounts();
      const res = await answer(call(token, 'POST', `/projects/${api.id}/members`, { user_id: root.id, access_level: 30 }));
      expect(res).toEqual(refusal(denied(['create_member'], 'acme/platform/api')));
      expect(await h.rowCounts()).toEqual(before);
    });

    it('passes the read_api/api scope checks as an api token, but never sudo', async () => {
      const admin = await granular(root, { access: 'user', permissions: ['read_user'] });
      expect((await get(admin, '/user')).body).toMatchObject({ username: 'root' });
      const sudo = await answer(call(admin, 'GET', '/user', undefined, { sudo: 'bob' }));
      expect(sudo).toEqual({
        status: 403,
        body: { error: 'insufficient_scope', error_description: 'The request requires higher privileges than provided by the access token.', scope: 'sudo' },
      });
      const plain = await granular(alice, { access: 'user', permissions: ['read_user'] });
      expect(await answer(call(plain, 'GET', '/user', undefined, { sudo: 'bob' }))).toEqual({ status: 403, body: { message: '403 Forbidden - Must be admin to use sudo' } });
    });

    it("an administrator's token reaches what its scopes name, as GitLab's admins read all resources", async () => {
      const token = await granular(root, { access: 'all_memberships', permissions: ['read_project'] });
      expect((await get(token, project(vault))).status).toBe(200);
      expect(await answer(get(token, group(acme)))).toEqual(refusal(denied(['read_group'], 'acme')));
    });
  });

  describe('routes GitLab declares no permission for', () => {
    it('refuse every granular token, whatever it holds, and change nothing', async () => {
      const everything = ASSIGNABLE_PERMISSIONS.filter((a) => a.boundaries.includes('user')).map((a) => a.name);
      const token = await granular(root, { access: 'user', permissions: everything });
      const before = await h.rowCounts();
      expect(await answer(get(token, '/personal_access_tokens/self'))).toEqual(refusal(UNDECLARED));
      expect(await answer(call(token, 'POST', '/personal_access_tokens/self/rotate', {}))).toEqual(refusal(UNDECLARED));
      expect(await answer(call(token, 'DELETE', '/personal_access_tokens/self'))).toEqual(refusal(UNDECLARED));
      expect(await answer(call(token, 'POST', `/users/${bob.id}/personal_access_tokens`, { name: 'x', scopes: ['api'] }))).toEqual(refusal(UNDECLARED));
      expect(await h.rowCounts()).toEqual(before);
      expect((await get(token, '/user')).status).toBe(200);
    });
  });

  describe('granular tokens turned off', () => {
    it('refuses every REST call of a granular token with "Granular tokens are not yet supported"', async () => {
      const token = await granular(alice, { access: 'user', permissions: ['read_user'] });
      const config = h.app.config as { fineGrainedTokens: boolean };
      config.fineGrainedTokens = false;
      try {
        expect(await answer(get(token, '/user'))).toEqual(refusal('Granular tokens are not yet supported'));
        expect(await answer(get(token, project(api)))).toEqual(refusal('Granular tokens are not yet supported'));
      } finally {
        config.fineGrainedTokens = true;
      }
      expect((await get(token, '/user')).status).toBe(200);
    });
  });

  it('costs a fixed few SQL statements more than an api token, whatever the page size', async () => {
    const token = await granular(alice, onProject(api, 'read_member'), { access: 'user', permissions: ['read_project'] });
    const classic = (await h.createPat(alice, ['api'], { name: 'alice api' })).secret;
    const cost = async (secret: string, url: string) => {
      await get(secret, '/version'); // last-used bookkeeping out of the way
      statements = 0;
      counting = true;
      const response = await get(secret, url);
      counting = false;
      expect(response.status).toBe(200);
      return statements;
    };
    for (const url of [`/projects/${api.id}/members/all`, '/projects']) {
      const fine = await cost(token, `${url}?per_page=2`);
      const plain = await cost(classic, `${url}?per_page=2`);
      expect({ url, extra: fine - plain <= 3 }).toEqual({ url, extra: true });
      expect(await cost(token, `${url}?per_page=20`)).toBeLessThanOrEqual(fine + 2);
    }
  });

  it('a rotated granular token keeps its reach over REST, the old one is refused', async () => {
    const token = await granular(alice, { access: 'user', permissions: ['read_user', 'rotate_personal_access_token'] });
    const id = (await h.app.dataSource.getRepository(PersonalAccessToken).findOneOrFail({ where: { userId: alice.id }, order: { id: 'DESC' } })).id;
    const rotated = await call(token, 'POST', `/personal_access_tokens/${id}/rotate`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.scopes).toEqual(['granular']);
    expect((await get(rotated.body.token, '/user')).status).toBe(200);
    expect(await answer(get(rotated.body.token, project(api)))).toEqual(refusal(denied(['read_project'], 'acme/platform/api')));
    expect((await get(token, '/user')).status).toBe(401);
  });
});
