import { useHarness } from '../helpers/harness';
import type { User } from '../../src/modules/user/user.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';

/**
 * `Query.group`, `Query.groups` and the group fields, with GitLab's visibility rules.
 *
 * The instance:
 *   acme "Acme Corp" (public; owner olivia, developer dave)
 *     labs "Labs" (public)            project acme/labs/exp (public)
 *     platform "Platform" (internal)
 *       core "Core" (private)         project acme/platform/core/db (private)
 *     secret-ops "Secret Ops" (private)
 *     projects web (public), intranet (internal), tool (private), legacy (public, archived)
 *   hidden (private; owner olivia)
 *     team (private; sam is a Developer of it)
 *     deep (private)                  project hidden/deep/app (private; pia is a Reporter of it)
 *   zeta (internal)
 */
describe('groups', () => {
  const h = useHarness();
  const users: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  const groups: Record<string, Namespace> = {};
  const projects: Record<string, Project> = {};

  async function q(query: string, who?: string, variables?: Record<string, unknown>) {
    return h.gql(query, variables, who ? { token: tokens[who] } : {});
  }

  async function groupPaths(args: string, who?: string): Promise<string[]> {
    const res = await q(`{ groups${args ? `(${args})` : ''} { nodes { fullPath } } }`, who);
    expect(res.errors).toBeUndefined();
    return res.data.groups.nodes.map((n: { fullPath: string }) => n.fullPath);
  }

  const sorted = (list: string[]) => [...list].sort();
  const gid = (g: Namespace) => `gid://gitlab/Group/${g.id}`;

  beforeAll(async () => {
    for (const [username, opts] of [
      ['root', { admin: true }],
      ['olivia', {}],
      ['dave', {}],
      ['oscar', {}],
      ['ext', { external: true }],
      ['sam', {}],
      ['pia', {}],
    ] as const) {
      users[username] = await h.createUser(username, opts);
      tokens[username] = (await h.createPat(users[username], ['read_api'])).secret;
    }
    const group = async (key: string, path: string, visibility: string, opts: { name?: string; parent?: string; owner?: User; description?: string } = {}) => {
      h.clock.advance(60_000);
      groups[key] = await h.app.services.groups.create(
        h.system(),
        { path, name: opts.name, parentFullPath: opts.parent, visibility, description: opts.description },
        opts.owner ?? null,
      );
    };
    await group('acme', 'acme', 'public', { name: 'Acme Corp', owner: users.olivia, description: 'Everything Acme' });
    await group('labs', 'labs', 'public', { name: 'Labs', parent: 'acme' });
    await group('platform', 'platform', 'internal', { name: 'Platform', parent: 'acme' });
    await group('core', 'core', 'private', { name: 'Core', parent: 'acme/platform' });
    await group('secretOps', 'secret-ops', 'private', { name: 'Secret Ops', parent: 'acme' });
    await group('hidden', 'hidden', 'private', { owner: users.olivia });
    await group('team', 'team', 'private', { parent: 'hidden' });
    await group('deep', 'deep', 'private', { parent: 'hidden' });
    await group('zeta', 'zeta', 'internal');
    await h.addMember({ group: groups.acme }, users.dave, 'developer');
    await h.addMember({ group: groups.team }, users.sam, 'developer');

    const project = async (key: string, path: string, ns: string, visibility: string, name?: string) => {
      h.clock.advance(60_000);
      projects[key] = await h.app.services.projects.create(h.system(), { path, namespace: ns, visibility, name });
    };
    await project('web', 'web', 'acme', 'public', 'Web');
    await project('intranet', 'intranet', 'acme', 'internal');
    await project('tool', 'tool', 'acme', 'private', 'Toolbox');
    await project('legacy', 'legacy', 'acme', 'public');
    await project('exp', 'exp', 'acme/labs', 'public', 'Experiments');
    await project('db', 'db', 'acme/platform/core', 'private');
    await project('app', 'app', 'hidden/deep', 'private');
    await h.app.services.projects.setArchived(h.system(), 'acme/legacy', true);
    await h.addMember({ project: projects.app }, users.pia, 'reporter');
  });

  describe('group(fullPath)', () => {
    it('finds a group by full path, ignoring case', async () => {
      const res = await q('{ group(fullPath: "ACME/Labs") { fullPath name } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.group).toEqual({ fullPath: 'acme/labs', name: 'Labs' });
    });

    it('answers null with no error for a missing group, and for a project path', async () => {
      const res = await q('{ a: group(fullPath: "nope") { id } b: group(fullPath: "acme/web") { id } }', 'root');
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ a: null, b: null });
    });

    it("answers null for a user's personal namespace: it is not a group", async () => {
      const res = await q('{ group(fullPath: "olivia") { id } }', 'olivia');
      expect(res.errors).toBeUndefined();
      expect(res.data.group).toBeNull();
    });

    it('exposes the fields GitLab has', async () => {
      const res = await q(`{ group(fullPath: "acme/platform") {
        id name path fullPath fullName description visibility webUrl webPath createdAt
        parent { id fullPath } } }`, 'oscar');
      expect(res.errors).toBeUndefined();
      expect(res.data.group).toEqual({
        id: gid(groups.platform),
        name: 'Platform',
        path: 'platform',
        fullPath: 'acme/platform',
        fullName: 'Acme Corp / Platform',
        description: null,
        visibility: 'internal',
        webUrl: 'http://example.com/groups/acme/platform',
        webPath: '/groups/acme/platform',
        createdAt: groups.platform.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        parent: { id: gid(groups.acme), fullPath: 'acme' },
      });
      const top = await q('{ group(fullPath: "acme") { description parent { id } } }');
      expect(top.data.group).toEqual({ description: 'Everything Acme', parent: null });
    });

    it('gives maxAccessLevel from the group or an ancestor, NO_ACCESS otherwise', async () => {
      const query = '{ group(fullPath: "acme/platform/core") { maxAccessLevel { integerValue stringValue } } }';
      expect((await q(query, 'dave')).data.group.maxAccessLevel).toEqual({ integerValue: 30, stringValue: 'DEVELOPER' });
      expect((await q(query, 'olivia')).data.group.maxAccessLevel).toEqual({ integerValue: 50, stringValue: 'OWNER' });
      const anon = await q('{ group(fullPath: "acme") { maxAccessLevel { integerValue stringValue humanAccess } } }');
      expect(anon.data.group.maxAccessLevel).toEqual({ integerValue: 0, stringValue: 'NO_ACCESS', humanAccess: 'No access' });
    });

    it('gives userPermissions by role', async () => {
      const query = '{ group(fullPath: "acme") { userPermissions { readGroup createProjects removeGroup changeGroup canLeave } } }';
      expect((await q(query)).data.group.userPermissions).toEqual({
        readGroup: true,
        createProjects: false,
        removeGroup: false,
        changeGroup: false,
        canLeave: false,
      });
      expect((await q(query, 'dave')).data.group.userPermissions).toEqual({
        readGroup: true,
        createProjects: true,
        removeGroup: false,
        changeGroup: false,
        canLeave: true,
      });
      // olivia is the only Owner, so she may not leave.
      expect((await q(query, 'olivia')).data.group.userPermissions).toEqual({
        readGroup: true,
        createProjects: true,
        removeGroup: true,
        changeGroup: true,
        canLeave: false,
      });
    });
  });

  describe('who sees which group', () => {
    const probe = `{ acme: group(fullPath: "acme") { id } labs: group(fullPath: "acme/labs") { id }
      platform: group(fullPath: "acme/platform") { id } core: group(fullPath: "acme/platform/core") { id }
      secretOps: group(fullPath: "acme/secret-ops") { id } hidden: group(fullPath: "hidden") { id }
      team: group(fullPath: "hidden/team") { id } deep: group(fullPath: "hidden/deep") { id } zeta: group(fullPath: "zeta") { id } }`;

    async function visible(who?: string): Promise<string[]> {
      const res = await q(probe, who);
      expect(res.errors).toBeUndefined();
      return Object.entries(res.data)
        .filter(([, v]) => v !== null)
        .map(([k]) => k)
        .sort();
    }

    it('anonymous viewers see public groups only', async () => {
      expect(await visible()).toEqual(['acme', 'labs']);
    });

    it('signed-in users also see internal groups', async () => {
      expect(await visible('oscar')).toEqual(['acme', 'labs', 'platform', 'zeta']);
    });

    it('external users do not see internal groups', async () => {
      expect(await visible('ext')).toEqual(['acme', 'labs']);
    });

    it('members see private groups they belong to directly or through an ancestor', async () => {
      expect(await visible('dave')).toEqual(['acme', 'core', 'labs', 'platform', 'secretOps', 'zeta']);
      expect(await visible('olivia')).toEqual(['acme', 'core', 'deep', 'hidden', 'labs', 'platform', 'secretOps', 'team', 'zeta']);
    });

    it('a member of a subgroup can see the private parent group, but not its other subgroups (inferred)', async () => {
      expect(await visible('sam')).toEqual(['acme', 'hidden', 'labs', 'platform', 'team', 'zeta']);
    });

    it('a member of a project below private groups can see those groups (inferred)', async () => {
      expect(await visible('pia')).toEqual(['acme', 'deep', 'hidden', 'labs', 'platform', 'zeta']);
    });

    it('administrators see everything', async () => {
      expect(await visible('root')).toEqual(['acme', 'core', 'deep', 'hidden', 'labs', 'platform', 'secretOps', 'team', 'zeta']);
    });

    it('an expired membership no longer opens a private group', async () => {
      const temp = await h.createUser('temp');
      const token = (await h.createPat(temp, ['read_api'])).secret;
      await h.addMember({ group: groups.secretOps }, temp, 'guest', '2026-01-20');
      const query = '{ group(fullPath: "acme/secret-ops") { fullPath } }';
      h.clock.set('2026-01-19T23:59:59.000Z');
      try {
        expect((await h.gql(query, {}, { token })).data.group).toEqual({ fullPath: 'acme/secret-ops' });
        h.clock.set('2026-01-20T00:00:00.000Z');
        // The token itself is still valid; only the membership has ended.
        const res = await h.gql(query, {}, { token });
        expect(res.status).toBe(200);
        expect(res.data.group).toBeNull();
      } finally {
        h.clock.set('2026-01-15T13:00:00.000Z');
      }
    });
  });

  describe('groups(...)', () => {
    it('lists the groups each viewer may see, by name by default', async () => {
      expect(await groupPaths('')).toEqual(['acme', 'acme/labs']);
      expect(await groupPaths('', 'oscar')).toEqual(['acme', 'acme/labs', 'acme/platform', 'zeta']);
      expect(await groupPaths('', 'sam')).toEqual(['acme', 'hidden', 'acme/labs', 'acme/platform', 'hidden/team', 'zeta']);
      expect(await groupPaths('', 'root')).toHaveLength(9);
    });

    it('searches the name and the full path', async () => {
      expect(await groupPaths('search: "LAB"')).toEqual(['acme/labs']);
      expect(await groupPaths('search: "secret ops"', 'dave')).toEqual(['acme/secret-ops']);
      expect(await groupPaths('search: "acme/plat"', 'oscar')).toEqual(['acme/platform']);
      expect(await groupPaths('search: "core"', 'oscar')).toEqual([]);
    });

    it('sorts by the strings GitLab accepts', async () => {
      const all = Object.values(groups);
      const paths = (list: Namespace[]) => list.map((g) => g.fullPath);
      expect(await groupPaths('sort: "id_asc"', 'root')).toEqual(paths([...all].sort((a, b) => a.id - b.id)));
      expect(await groupPaths('sort: "id_desc"', 'root')).toEqual(paths([...all].sort((a, b) => b.id - a.id)));
      const byName = [...all].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id);
      expect(await groupPaths('sort: "name_desc"', 'root')).toEqual(paths([...byName].reverse()));
      const byPath = [...all].sort((a, b) => a.path.localeCompare(b.path) || a.id - b.id);
      expect(await groupPaths('sort: "path_asc"', 'root')).toEqual(paths(byPath));
      const newest = [...all].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      expect(await groupPaths('sort: "created_at_desc"', 'root')).toEqual(paths(newest));
      expect(await groupPaths('sort: "created_desc"', 'root')).toEqual(paths(newest));
    });

    it('ignores a sort string it does not know and keeps the name order (inferred)', async () => {
      const res = await q('{ groups(sort: "popularity_up") { nodes { fullPath } } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.groups.nodes.map((n: { fullPath: string }) => n.fullPath)).toEqual(['acme', 'acme/labs']);
    });

    it('lists the direct subgroups of parentPath that the viewer may see', async () => {
      expect(await groupPaths('parentPath: "acme"')).toEqual(['acme/labs']);
      expect(await groupPaths('parentPath: "acme"', 'oscar')).toEqual(['acme/labs', 'acme/platform']);
      expect(await groupPaths('parentPath: "acme"', 'dave')).toEqual(['acme/labs', 'acme/platform', 'acme/secret-ops']);
      expect(await groupPaths('parentPath: "hidden"', 'sam')).toEqual(['hidden/team']);
    });

    it("refuses a parentPath the viewer cannot see with GitLab's message", async () => {
      for (const path of ['hidden', 'no-such-group']) {
        const res = await q(`{ groups(parentPath: "${path}") { nodes { fullPath } } }`, 'oscar');
        expect(res.errors?.map((e) => e.message)).toEqual([`Could not find parent group with path ${path}`]);
        expect(res.data).toEqual({ groups: null });
      }
    });

    it('keeps top-level groups only with topLevelOnly', async () => {
      expect(await groupPaths('topLevelOnly: true', 'oscar')).toEqual(['acme', 'zeta']);
      expect(await groupPaths('topLevelOnly: true', 'root')).toEqual(['acme', 'hidden', 'zeta']);
    });

    it('keeps the groups the viewer directly owns with ownedOnly', async () => {
      expect(await groupPaths('ownedOnly: true', 'olivia')).toEqual(['acme', 'hidden']);
      expect(await groupPaths('ownedOnly: true', 'dave')).toEqual([]);
      expect(await groupPaths('ownedOnly: true')).toEqual([]);
    });

    it('keeps only groups the viewer is a member of with allAvailable: false', async () => {
      const mine = await groupPaths('allAvailable: false', 'dave');
      expect(mine).toContain('acme');
      expect(mine).not.toContain('zeta');
      expect(await groupPaths('allAvailable: false', 'sam')).toEqual(['hidden/team']);
      expect(await groupPaths('allAvailable: false', 'oscar')).toEqual([]);
    });

    it('ignores allAvailable: false for anonymous viewers: they always get the public groups', async () => {
      expect(await groupPaths('allAvailable: false')).toEqual(['acme', 'acme/labs']);
    });

    it('keeps the given global IDs, hiding what the viewer may not see', async () => {
      const ids = `ids: ["${gid(groups.labs)}", "${gid(groups.core)}", "${gid(groups.zeta)}"]`;
      expect(sorted(await groupPaths(ids))).toEqual(['acme/labs']);
      expect(sorted(await groupPaths(ids, 'dave'))).toEqual(['acme/labs', 'acme/platform/core', 'zeta']);
    });

    it('rejects a non-group ID in ids', async () => {
      const res = await q(`{ groups(ids: ["gid://gitlab/Project/${projects.web.id}"]) { nodes { fullPath } } }`);
      expect(res.errors?.[0].message).toBe(`gid://gitlab/Project/${projects.web.id} is not a valid ID for Group.`);
    });

    it('counts the groups the viewer can see, as GitLab 18.9 does (`GroupConnection.count`)', async () => {
      const res = await q('{ groups { count nodes { id } } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.groups.count).toBe(res.data.groups.nodes.length);
    });
  });

  describe('parent and descendantGroups', () => {
    it('gives the parent, or null for a top-level group', async () => {
      const res = await q('{ group(fullPath: "acme/platform/core") { parent { fullPath parent { fullPath parent { id } } } } }', 'dave');
      expect(res.data.group.parent).toEqual({ fullPath: 'acme/platform', parent: { fullPath: 'acme', parent: null } });
    });

    it('lists every descendant the viewer may see, by name', async () => {
      const query = '{ group(fullPath: "acme") { descendantGroups { nodes { fullPath } } } }';
      const paths = async (who?: string) => (await q(query, who)).data.group.descendantGroups.nodes.map((n: { fullPath: string }) => n.fullPath);
      expect(await paths()).toEqual(['acme/labs']);
      expect(await paths('oscar')).toEqual(['acme/labs', 'acme/platform']);
      expect(await paths('dave')).toEqual(['acme/platform/core', 'acme/labs', 'acme/platform', 'acme/secret-ops']);
    });

    it('lists only direct subgroups with includeParentDescendants: false', async () => {
      const res = await q('{ group(fullPath: "acme") { descendantGroups(includeParentDescendants: false) { nodes { fullPath } } } }', 'dave');
      expect(res.data.group.descendantGroups.nodes.map((n: { fullPath: string }) => n.fullPath)).toEqual([
        'acme/labs',
        'acme/platform',
        'acme/secret-ops',
      ]);
    });

    it('keeps the descendants the viewer owns with owned: true', async () => {
      const query = '{ group(fullPath: "acme") { descendantGroups(owned: true) { nodes { fullPath } } } }';
      expect((await q(query, 'olivia')).data.group.descendantGroups.nodes).toHaveLength(4);
      expect((await q(query, 'dave')).data.group.descendantGroups.nodes).toEqual([]);
      expect((await q(query)).data.group.descendantGroups.nodes).toEqual([]);
    });

    it('searches descendants by name or path', async () => {
      const res = await q('{ group(fullPath: "acme") { descendantGroups(search: "co") { nodes { fullPath } } } }', 'dave');
      expect(res.data.group.descendantGroups.nodes).toEqual([{ fullPath: 'acme/platform/core' }]);
    });
  });

  describe('Group.projects', () => {
    const projectsOf = async (path: string, args: string, who?: string) => {
      const res = await q(`{ group(fullPath: "${path}") { projects${args ? `(${args})` : ''} { count nodes { fullPath } } } }`, who);
      expect(res.errors).toBeUndefined();
      expect(res.data.group.projects.count).toBe(res.data.group.projects.nodes.length);
      return res.data.group.projects.nodes.map((n: { fullPath: string }) => n.fullPath);
    };

    it('lists the direct projects the viewer may see, newest first by default (inferred)', async () => {
      expect(await projectsOf('acme', '')).toEqual(['acme/legacy', 'acme/web']);
      expect(await projectsOf('acme', '', 'oscar')).toEqual(['acme/legacy', 'acme/intranet', 'acme/web']);
      expect(await projectsOf('acme', '', 'dave')).toEqual(['acme/legacy', 'acme/tool', 'acme/intranet', 'acme/web']);
    });

    it('adds the projects of subgroups with includeSubgroups', async () => {
      expect(sorted(await projectsOf('acme', 'includeSubgroups: true', 'oscar'))).toEqual(['acme/intranet', 'acme/labs/exp', 'acme/legacy', 'acme/web']);
      expect(sorted(await projectsOf('acme', 'includeSubgroups: true', 'dave'))).toEqual([
        'acme/intranet',
        'acme/labs/exp',
        'acme/legacy',
        'acme/platform/core/db',
        'acme/tool',
        'acme/web',
      ]);
    });

    it('searches by name or path', async () => {
      expect(await projectsOf('acme', 'search: "TOOL"', 'dave')).toEqual(['acme/tool']);
      expect(await projectsOf('acme', 'search: "experiments", includeSubgroups: true')).toEqual(['acme/labs/exp']);
      expect(await projectsOf('acme', 'search: "tool"')).toEqual([]);
    });

    it('sorts by similarity to the search and by activity', async () => {
      expect(await projectsOf('acme', 'search: "t", sort: SIMILARITY', 'dave')).toEqual(['acme/tool', 'acme/intranet']);
      expect(await projectsOf('acme', 'sort: ACTIVITY_DESC', 'dave')).toEqual(['acme/legacy', 'acme/tool', 'acme/intranet', 'acme/web']);
    });

    it('leaves archived projects out with includeArchived: false, and keeps only them with archivedOnly', async () => {
      expect(await projectsOf('acme', 'includeArchived: false')).toEqual(['acme/web']);
      expect(await projectsOf('acme', 'archivedOnly: true')).toEqual(['acme/legacy']);
      expect(await projectsOf('acme', 'includeArchived: true')).toEqual(['acme/legacy', 'acme/web']);
    });
  });

  describe('counts', () => {
    const counts = async (path: string, who?: string) => {
      const res = await q(`{ group(fullPath: "${path}") { projectsCount descendantGroupsCount groupMembersCount } }`, who);
      expect(res.errors).toBeUndefined();
      return res.data.group;
    };

    it('count direct, non-archived projects and direct subgroups, leaving out what the viewer may not see', async () => {
      // acme: projects web, intranet, tool (+ legacy, archived); subgroups labs, platform, secret-ops.
      expect(await counts('acme')).toEqual({ projectsCount: 1, descendantGroupsCount: 1, groupMembersCount: 2 });
      expect(await counts('acme', 'oscar')).toEqual({ projectsCount: 2, descendantGroupsCount: 2, groupMembersCount: 2 });
      expect(await counts('acme', 'dave')).toEqual({ projectsCount: 3, descendantGroupsCount: 3, groupMembersCount: 2 });
      expect(await counts('acme', 'root')).toEqual({ projectsCount: 3, descendantGroupsCount: 3, groupMembersCount: 2 });
    });

    it('count a hidden subgroup and its project out for a viewer who only sees one branch', async () => {
      // sam and pia read `hidden` only from below: its member list is null to them, so its count is 0.
      expect(await counts('hidden', 'sam')).toEqual({ projectsCount: 0, descendantGroupsCount: 1, groupMembersCount: 0 });
      expect(await counts('hidden', 'pia')).toEqual({ projectsCount: 0, descendantGroupsCount: 1, groupMembersCount: 0 });
      expect(await counts('hidden', 'olivia')).toEqual({ projectsCount: 0, descendantGroupsCount: 2, groupMembersCount: 1 });
    });

    it('agree with the lists they count', async () => {
      const res = await q(`{ group(fullPath: "acme") { descendantGroupsCount
        descendantGroups(includeParentDescendants: false) { nodes { id } }
        projectsCount projects(includeArchived: false) { count } } }`, 'oscar');
      expect(res.data.group.descendantGroupsCount).toBe(res.data.group.descendantGroups.nodes.length);
      expect(res.data.group.projectsCount).toBe(res.data.group.projects.count);
    });
  });
});
