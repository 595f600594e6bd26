import { useHarness } from '../helpers/harness';
import type { User } from '../../src/modules/user/user.entity';
import { Project } from '../../src/modules/project/project.entity';

/**
 * Issue 24, the answers that were wrong or too open, as GitLab's own frontend asks for them:
 * the groups offered for a new project (`permissionScope`), forks by role (`visibleForks`), a user's
 * group and project counts and group list (only for that user and administrators).
 *
 * The instance:
 *   acme                     public,   Owner olivia, Developer dave      project acme/web (public)
 *     acme/ops               project creation: Maintainers
 *     acme/platform          Maintainer maria                            project acme/platform/api (private)
 *       acme/platform/infra
 *       acme/platform/closed project creation: no one
 *       (acme/platform/infra: Owner gwen, added for the leaving tests)
 *   forks                    public, Owner frank                         project forks/web, a fork of acme/web
 *   root: an administrator with no membership
 */
describe('frontend second pass: what GitLab answers', () => {
  const h = useHarness();
  const users: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  const q = (query: string, who?: string, variables?: Record<string, unknown>) => h.gql(query, variables, who ? { token: tokens[who] } : {});

  beforeAll(async () => {
    for (const name of ['olivia', 'dave', 'maria', 'frank', 'mallory', 'gwen']) users[name] = await h.createUser(name);
    users.root = await h.createUser('root', { admin: true });
    for (const name of Object.keys(users)) tokens[name] = (await h.createPat(users[name], ['api'])).secret;
    await h.createGroup('acme', { visibility: 'public', owner: users.olivia });
    await h.app.services.groups.create(h.system(), { path: 'ops', parentFullPath: 'acme', visibility: 'internal', projectCreationLevel: 'maintainer' });
    const platform = await h.createGroup('platform', { parent: 'acme', visibility: 'internal' });
    await h.createGroup('infra', { parent: 'acme/platform', visibility: 'internal' });
    await h.app.services.groups.create(h.system(), { path: 'closed', parentFullPath: 'acme/platform', visibility: 'internal', projectCreationLevel: 'noone' });
    await h.createGroup('forks', { visibility: 'public', owner: users.frank });
    await h.addMember({ group: (await h.app.services.groups.findByFullPath(h.system(), 'acme'))! }, users.dave, 'developer');
    await h.addMember({ group: platform }, users.maria, 'maintainer');
    await h.createProject('web', 'acme', { visibility: 'public' });
    await h.createProject('api', 'acme/platform', { visibility: 'private' });
    await h.app.services.projectFeatures.fork(h.as(users.frank), 'acme/web', 'forks');
    await h.addMember({ group: (await h.app.services.groups.findByFullPath(h.system(), 'acme/platform/infra'))! }, users.gwen, 'owner');
  });

  describe('currentUser.groups(permissionScope:) offers the subgroups, as Groups::UserGroupsFinder does', () => {
    const OFFERED = `query($scope: GroupPermission) { currentUser { groups(permissionScope: $scope, first: 50) { count nodes { fullPath } } } }`;
    const offered = async (who: string, scope: string | null) => {
      const res = await q(OFFERED, who, { scope });
      expect(res.errors).toBeUndefined();
      return res.data.currentUser.groups.nodes.map((g: { fullPath: string }) => g.fullPath).sort();
    };

    it('a Maintainer of acme/platform is offered acme/platform and its subgroups, not the one closed to everyone', async () => {
      expect(await offered('maria', 'CREATE_PROJECTS')).toEqual(['acme/platform', 'acme/platform/infra']);
    });

    it('a Developer of acme (creation open to Developers) is offered acme and what is below it, except where only Maintainers create', async () => {
      expect(await offered('dave', 'CREATE_PROJECTS')).toEqual(['acme', 'acme/platform', 'acme/platform/infra']);
      // Importing and transferring need a Maintainer or Owner membership.
      expect(await offered('dave', 'IMPORT_PROJECTS')).toEqual([]);
      expect(await offered('dave', 'TRANSFER_PROJECTS')).toEqual([]);
    });

    it('an Owner of acme is offered every group below it where someone may create projects; imports ignore the creation level', async () => {
      expect(await offered('olivia', 'CREATE_PROJECTS')).toEqual(['acme', 'acme/ops', 'acme/platform', 'acme/platform/infra']);
      expect(await offered('olivia', 'TRANSFER_PROJECTS')).toEqual(['acme', 'acme/ops', 'acme/platform', 'acme/platform/infra']);
      expect(await offered('olivia', 'IMPORT_PROJECTS')).toEqual(['acme', 'acme/ops', 'acme/platform', 'acme/platform/closed', 'acme/platform/infra']);
    });

    it('without a permission scope, the groups the user is a direct member of', async () => {
      expect(await offered('dave', null)).toEqual(['acme']);
      expect(await offered('maria', null)).toEqual(['acme/platform']);
    });

    it('a search narrows what is offered, and the count follows', async () => {
      const res = await q(`{ currentUser { groups(permissionScope: CREATE_PROJECTS, search: "infra") { count nodes { fullPath } } } }`, 'dave');
      expect(res.body).toEqual({ data: { currentUser: { groups: { count: 1, nodes: [{ fullPath: 'acme/platform/infra' }] } } } });
    });
  });

  describe('Project.visibleForks(minimumAccessLevel:)', () => {
    const FORKS = `query($level: AccessLevelEnum) { project(fullPath: "acme/web") { visibleForks(minimumAccessLevel: $level) { nodes { fullPath } } } }`;

    it('without the argument, every fork the viewer may see (a public fork: anyone)', async () => {
      expect((await q(FORKS, undefined, { level: null })).body).toEqual({ data: { project: { visibleForks: { nodes: [{ fullPath: 'forks/web' }] } } } });
    });

    it('with OWNER, an anonymous caller gets no fork, nor does a signed-in user without a role on it', async () => {
      const none = { data: { project: { visibleForks: { nodes: [] } } } };
      expect((await q(FORKS, undefined, { level: 'OWNER' })).body).toEqual(none);
      expect((await q(FORKS, 'dave', { level: 'OWNER' })).body).toEqual(none);
      // GitLab counts project authorizations only: an administrator without a role gets none either.
      expect((await q(FORKS, 'root', { level: 'GUEST' })).body).toEqual(none);
    });

    it('the fork’s Owner gets it with OWNER', async () => {
      expect((await q(FORKS, 'frank', { level: 'OWNER' })).body).toEqual({ data: { project: { visibleForks: { nodes: [{ fullPath: 'forks/web' }] } } } });
    });
  });

  describe('User.groupCount, User.projectCount and User.groups: the user and administrators only', () => {
    const COUNTS = `query($u: [String!]) { users(usernames: $u) { nodes { username groupCount projectCount groups { nodes { fullPath } } } } }`;

    it('count inherited access as GitLab does: projects reached through a group, and the groups those projects sit in', async () => {
      const res = await q(COUNTS, 'root', { u: ['dave', 'maria', 'olivia', 'frank'] });
      const byName = Object.fromEntries(res.data.users.nodes.map((u: { username: string }) => [u.username, u]));
      // dave: Developer of acme reaches acme/web and acme/platform/api; the groups are acme (his
      // membership) and acme/platform (where api sits); acme/platform/infra holds nothing of his.
      expect(byName.dave).toEqual({ username: 'dave', groupCount: 2, projectCount: 2, groups: { nodes: [{ fullPath: 'acme' }] } });
      expect(byName.maria).toEqual({ username: 'maria', groupCount: 1, projectCount: 1, groups: { nodes: [{ fullPath: 'acme/platform' }] } });
      expect(byName.olivia).toEqual({ username: 'olivia', groupCount: 2, projectCount: 2, groups: { nodes: [{ fullPath: 'acme' }] } });
      expect(byName.frank).toEqual({ username: 'frank', groupCount: 1, projectCount: 1, groups: { nodes: [{ fullPath: 'forks' }] } });
    });

    it('the user themself reads their own', async () => {
      const res = await q(`{ currentUser { groupCount projectCount groups { nodes { fullPath } } } }`, 'dave');
      expect(res.body).toEqual({ data: { currentUser: { groupCount: 2, projectCount: 2, groups: { nodes: [{ fullPath: 'acme' }] } } } });
    });

    it('anyone else gets null, without an error: an anonymous caller, another member of the same group', async () => {
      const hidden = { data: { users: { nodes: [{ username: 'dave', groupCount: null, projectCount: null, groups: null }] } } };
      expect((await q(COUNTS, undefined, { u: ['dave'] })).body).toEqual(hidden);
      expect((await q(COUNTS, 'olivia', { u: ['dave'] })).body).toEqual(hidden);
      expect((await q(COUNTS, 'mallory', { u: ['dave'] })).body).toEqual(hidden);
    });
  });

  describe('userPermissions.canLeave and adminAllResources', () => {
    const PERMISSIONS = `query($p: ID!, $g: ID!) {
      project(fullPath: $p) { userPermissions { canLeave adminAllResources } }
      group(fullPath: $g) { userPermissions { canLeave adminAllResources } } }`;
    const permissions = async (who: string | undefined, p: string, g: string) => (await q(PERMISSIONS, who, { p, g })).body;

    it('a member of the group, not of the project, cannot leave the project; the only Owner of acme cannot leave acme', async () => {
      expect(await permissions('olivia', 'acme/web', 'acme')).toEqual({
        data: { project: { userPermissions: { canLeave: false, adminAllResources: false } }, group: { userPermissions: { canLeave: false, adminAllResources: false } } },
      });
      expect(await permissions(undefined, 'acme/web', 'acme')).toEqual({
        data: { project: { userPermissions: { canLeave: false, adminAllResources: false } }, group: { userPermissions: { canLeave: false, adminAllResources: false } } },
      });
    });

    it('administrators: adminAllResources, and no leaving without a membership', async () => {
      expect(await permissions('root', 'acme/web', 'acme')).toEqual({
        data: { project: { userPermissions: { canLeave: false, adminAllResources: true } }, group: { userPermissions: { canLeave: false, adminAllResources: true } } },
      });
    });

    it('the only direct Owner of a subgroup may leave it when someone owns the group above it, and leaving works', async () => {
      const infra = { g: 'acme/platform/infra' };
      const before = await q(`query($g: ID!) { group(fullPath: $g) { userPermissions { canLeave } } }`, 'gwen', infra);
      expect(before.body).toEqual({ data: { group: { userPermissions: { canLeave: true } } } });
      const group = (await h.app.services.groups.findByFullPath(h.system(), 'acme/platform/infra'))!;
      const left = await h.rest('DELETE', `/groups/${group.id}/members/${users.gwen.id}`, tokens.gwen);
      expect(left.status).toBe(204);
      const after = await q(`query($g: ID!) { group(fullPath: $g) { userPermissions { canLeave } } }`, 'gwen', infra);
      expect(after.body).toEqual({ data: { group: { userPermissions: { canLeave: false } } } });
    });

    it('a direct Developer of a project may leave it (the member service agrees); the holder of a personal project may not', async () => {
      const web = await h.app.services.projects.findByFullPath(h.system(), 'acme/web');
      await h.addMember({ project: web! }, users.mallory, 'developer');
      const canLeave = `query($p: ID!) { project(fullPath: $p) { userPermissions { canLeave } } }`;
      expect((await q(canLeave, 'mallory', { p: 'acme/web' })).body).toEqual({ data: { project: { userPermissions: { canLeave: true } } } });
      // Someone else's membership still needs the right to manage members.
      const other = await h.rest('DELETE', `/projects/${web!.id}/members/${users.mallory.id}`, tokens.dave);
      expect(other.status).toBe(403);
      const left = await h.rest('DELETE', `/projects/${web!.id}/members/${users.mallory.id}`, tokens.mallory);
      expect(left.status).toBe(204);
      expect((await q(canLeave, 'mallory', { p: 'acme/web' })).body).toEqual({ data: { project: { userPermissions: { canLeave: false } } } });

      await h.createProject('notes', 'mallory', { visibility: 'private' });
      expect((await q(canLeave, 'mallory', { p: 'mallory/notes' })).body).toEqual({ data: { project: { userPermissions: { canLeave: false } } } });
      const personal = await h.app.services.projects.findByFullPath(h.system(), 'mallory/notes');
      const refused = await h.rest('DELETE', `/projects/${personal!.id}/members/${users.mallory.id}`, tokens.mallory);
      // The member service's own refusal, unchanged: leaving is refused exactly where removing is.
      expect([refused.status, refused.body]).toEqual([400, { message: '400 Bad request - The owner of a personal namespace cannot be removed from its projects' }]);
    });
  });

  describe('personal access tokens: lastUsedIps and the date and name filters', () => {
    const MINUTE = 60_000;
    let tess: User;
    let secret: string;
    /** One GraphQL request with the token, from `address`. */
    const use = (address: string) =>
      h.request({
        method: 'POST',
        url: '/api/graphql',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ currentUser { username } }' }),
        remoteAddress: address,
      });
    const addresses = async () => {
      const res = await q(`{ currentUser { personalAccessTokens(search: "laptop") { nodes { name lastUsedIps } } } }`, 'tess');
      return res.data.currentUser.personalAccessTokens.nodes[0].lastUsedIps;
    };

    beforeAll(async () => {
      tess = await h.createUser('tess');
      tokens.tess = (await h.createPat(tess, ['api'], { name: 'admin console' })).secret;
      secret = (await h.createPat(tess, ['api'], { name: 'laptop' })).secret;
    });
    afterAll(() => h.clock.set('2026-01-15T12:00:00.000Z'));

    it('records the addresses with lastUsedAt (once per ten minutes), each once, the last five kept', async () => {
      h.clock.set('2026-01-15T13:00:00.000Z');
      expect((await use('203.0.113.5')).status).toBe(200);
      // Within ten minutes of the last write nothing is written, a new address included.
      h.clock.advance(5 * MINUTE);
      const before = await h.rowCounts();
      await use('198.51.100.7');
      expect(await h.rowCounts()).toEqual(before);
      expect(await addresses()).toEqual(['203.0.113.5']);
      h.clock.advance(6 * MINUTE);
      await use('198.51.100.7');
      h.clock.advance(11 * MINUTE);
      await use('203.0.113.5'); // already known: not twice
      expect(await addresses()).toEqual(['203.0.113.5', '198.51.100.7']);
      for (const last of [1, 2, 3, 4]) {
        h.clock.advance(11 * MINUTE);
        await use(`192.0.2.${last}`);
      }
      expect(await addresses()).toEqual(['198.51.100.7', '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']);
    });

    it('REST answers the same last_used_ips', async () => {
      const self = await h.rest('GET', '/personal_access_tokens/self', secret);
      expect(self.body.last_used_ips).toEqual(['198.51.100.7', '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']);
      const list = await h.rest('GET', '/personal_access_tokens?search=laptop', tokens.tess);
      expect(list.body.map((t: { name: string; last_used_ips: string[] }) => [t.name, t.last_used_ips])).toEqual([
        ['laptop', ['198.51.100.7', '192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']],
      ]);
    });

    it('filters by name and by dates: expiresBefore, createdBefore, lastUsedBefore', async () => {
      h.clock.set('2026-01-20T12:00:00.000Z');
      await h.createPat(tess, ['read_api'], { name: 'Nightly CI', expiresAt: '2026-02-01' });
      const names = async (args: string) => {
        const res = await q(`{ currentUser { personalAccessTokens(${args}, sort: NAME_ASC) { count nodes { name } } } }`, 'tess');
        expect(res.errors).toBeUndefined();
        return res.data.currentUser.personalAccessTokens;
      };
      expect(await names('search: "ci"')).toEqual({ count: 1, nodes: [{ name: 'Nightly CI' }] });
      expect(await names('expiresBefore: "2026-03-01"')).toEqual({ count: 1, nodes: [{ name: 'Nightly CI' }] });
      expect(await names('createdBefore: "2026-01-16T00:00:00Z"')).toEqual({ count: 2, nodes: [{ name: 'admin console' }, { name: 'laptop' }] });
      // Only the laptop token was used (the admin console token is what asks, and was just used now).
      expect(await names('lastUsedBefore: "2026-01-16T00:00:00Z"')).toEqual({ count: 1, nodes: [{ name: 'laptop' }] });
    });
  });

  describe('projects(withIssuesEnabled:, withMergeRequestsEnabled:, trending:) and compositeIdentityEnforced', () => {
    /**
     * feat (public, Owner olivia): open (defaults), no-issues (issues disabled), private-features
     * (issues and merge requests for members only; dave is its Guest). Feature levels have no writer
     * in Labgate's API yet, so they are stored directly.
     */
    beforeAll(async () => {
      await h.createGroup('feat', { visibility: 'public', owner: users.olivia });
      await h.createProject('open', 'feat', { visibility: 'public' });
      const noIssues = await h.createProject('no-issues', 'feat', { visibility: 'public' });
      const privateFeatures = await h.createProject('private-features', 'feat', { visibility: 'public' });
      const repo = h.app.dataSource.getRepository(Project);
      await repo.update({ id: noIssues.id }, { settings: JSON.stringify({ issuesAccessLevel: 0 }) });
      await repo.update({ id: privateFeatures.id }, { settings: JSON.stringify({ issuesAccessLevel: 10, mergeRequestsAccessLevel: 10 }) });
      await h.addMember({ project: privateFeatures }, users.dave, 'guest');
    });

    const listed = async (who: string | undefined, args: string) => {
      const res = await q(`{ projects(namespacePath: "feat", ${args}, sort: "path_asc") { count nodes { path } } group(fullPath: "feat") { projects(${args}, sort: PATH_ASC) { nodes { path } } } }`, who);
      expect(res.errors).toBeUndefined();
      const paths = res.data.projects.nodes.map((p: { path: string }) => p.path);
      // Group.projects filters alike.
      expect(res.data.group.projects.nodes.map((p: { path: string }) => p.path)).toEqual(paths);
      expect(res.data.projects.count).toBe(paths.length);
      return paths;
    };

    it('issues: enabled ones for everyone, private ones for members (Guest and up) and administrators', async () => {
      expect(await listed(undefined, 'withIssuesEnabled: true')).toEqual(['open']);
      expect(await listed('mallory', 'withIssuesEnabled: true')).toEqual(['open']);
      expect(await listed('dave', 'withIssuesEnabled: true')).toEqual(['open', 'private-features']);
      expect(await listed('root', 'withIssuesEnabled: true')).toEqual(['open', 'private-features']);
      expect(await listed(undefined, 'withIssuesEnabled: false')).toEqual(['no-issues', 'open', 'private-features']);
    });

    it('merge requests: private ones need a Reporter, so a Guest does not get them', async () => {
      expect(await listed('dave', 'withMergeRequestsEnabled: true')).toEqual(['no-issues', 'open']);
      expect(await listed('olivia', 'withMergeRequestsEnabled: true, withIssuesEnabled: true')).toEqual(['open', 'private-features']);
    });

    it('trending (deprecated, still sent): ranked by comments, which Labgate does not store, so none', async () => {
      const res = await q(`{ projects(trending: true) { count nodes { fullPath } } }`);
      expect(res.body).toEqual({ data: { projects: { count: 0, nodes: [] } } });
    });

    it('compositeIdentityEnforced: false for every user', async () => {
      const res = await q(`{ currentUser { compositeIdentityEnforced } project(fullPath: "acme/web") { autocompleteUsers(search: "olivia") { username compositeIdentityEnforced } } }`, 'dave');
      expect(res.body).toEqual({ data: { currentUser: { compositeIdentityEnforced: false }, project: { autocompleteUsers: [{ username: 'olivia', compositeIdentityEnforced: false }] } } });
    });
  });
});
