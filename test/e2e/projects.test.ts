import { useHarness } from '../helpers/harness';
import type { User } from '../../src/modules/user/user.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';

/**
 * `Query.project(fullPath)` and `Query.projects(...)` as a GitLab API client sees them.
 *
 * The instance (created once, read by every test):
 *   acme (public group "Acme Corp", owner olivia, developer dave)
 *     web       public   "Web Portal", description "Customer website"
 *     intranet  internal
 *     tool      private
 *     legacy    public, archived
 *     platform  (internal subgroup "Platform")
 *       api     internal "API"
 *   secret (private group, owner olivia)
 *     vault     private; pat is a Reporter of this project only
 *   olivia/scratch  private personal project
 *   oscar/notes     public personal project
 */
describe('projects', () => {
  const h = useHarness();
  const users: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  const projects: Record<string, Project> = {};
  const groups: Record<string, Namespace> = {};

  /** Runs a query as one of the fixture users (anonymous when `who` is undefined). */
  async function q(query: string, who?: string, variables?: Record<string, unknown>) {
    const res = await h.gql(query, variables, who ? { token: tokens[who] } : {});
    return res;
  }

  /** Full paths of `projects(...)` for a viewer, asserting there was no error. */
  async function listPaths(args: string, who?: string): Promise<string[]> {
    const res = await q(`{ projects${args ? `(${args})` : ''} { nodes { fullPath } } }`, who);
    expect(res.errors).toBeUndefined();
    return res.data.projects.nodes.map((n: { fullPath: string }) => n.fullPath);
  }

  const sorted = (list: string[]) => [...list].sort();

  beforeAll(async () => {
    for (const [username, opts] of [
      ['root', { admin: true }],
      ['olivia', { name: 'Olivia Owner' }],
      ['dave', {}],
      ['oscar', {}],
      ['ext', { external: true }],
      ['pat', {}],
    ] as const) {
      users[username] = await h.createUser(username, opts);
      tokens[username] = (await h.createPat(users[username], ['read_api'])).secret;
    }
    const tick = () => h.clock.advance(60_000);
    groups.acme = await h.app.services.groups.create(h.system(), { path: 'acme', name: 'Acme Corp', visibility: 'public' }, users.olivia);
    groups.platform = await h.app.services.groups.create(
      h.system(),
      { path: 'platform', name: 'Platform', parentFullPath: 'acme', visibility: 'internal' },
      null,
    );
    groups.secret = await h.app.services.groups.create(h.system(), { path: 'secret', visibility: 'private' }, users.olivia);
    await h.addMember({ group: groups.acme }, users.dave, 'developer');

    const make = async (key: string, path: string, ns: string, visibility: string, extra: { name?: string; description?: string } = {}) => {
      tick();
      projects[key] = await h.app.services.projects.create(h.system(), { path, namespace: ns, visibility, ...extra });
    };
    await make('web', 'web', 'acme', 'public', { name: 'Web Portal', description: 'Customer website' });
    await make('intranet', 'intranet', 'acme', 'internal');
    await make('tool', 'tool', 'acme', 'private');
    await make('legacy', 'legacy', 'acme', 'public');
    await make('api', 'api', 'acme/platform', 'internal', { name: 'API' });
    await make('vault', 'vault', 'secret', 'private');
    await make('scratch', 'scratch', 'olivia', 'private');
    await make('notes', 'notes', 'oscar', 'public');
    await h.app.services.projects.setArchived(h.system(), 'acme/legacy', true);
    await h.addMember({ project: projects.vault }, users.pat, 'reporter');
  });

  describe('project(fullPath)', () => {
    it('finds a project by its full path, ignoring case', async () => {
      const res = await q('{ project(fullPath: "ACME/Web") { fullPath path name } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.project).toEqual({ fullPath: 'acme/web', path: 'web', name: 'Web Portal' });
    });

    it('answers null, with no error, for a path that does not exist', async () => {
      const res = await q('{ project(fullPath: "acme/nothing-here") { id } }', 'root');
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ project: null });
    });

    it('answers null, exactly as for a missing path, for a project the viewer may not see', async () => {
      const query = '{ a: project(fullPath: "acme/tool") { id } b: project(fullPath: "secret/vault") { id } c: project(fullPath: "acme/intranet") { id } }';
      const anonymous = await q(query);
      expect(anonymous.errors).toBeUndefined();
      expect(anonymous.data).toEqual({ a: null, b: null, c: null });
      const outsider = await q(query, 'oscar');
      expect(outsider.errors).toBeUndefined();
      expect(outsider.data).toEqual({ a: null, b: null, c: { id: `gid://gitlab/Project/${projects.intranet.id}` } });
    });

    it('shows internal projects to any signed-in user but not to external users', async () => {
      const query = '{ project(fullPath: "acme/intranet") { fullPath } }';
      expect((await q(query)).data.project).toBeNull();
      expect((await q(query, 'oscar')).data.project).toEqual({ fullPath: 'acme/intranet' });
      expect((await q(query, 'ext')).data.project).toBeNull();
    });

    it('shows private projects to members, direct or through an ancestor group, and to administrators', async () => {
      const query = '{ tool: project(fullPath: "acme/tool") { fullPath } vault: project(fullPath: "secret/vault") { fullPath } }';
      expect((await q(query, 'dave')).data).toEqual({ tool: { fullPath: 'acme/tool' }, vault: null });
      expect((await q(query, 'pat')).data).toEqual({ tool: null, vault: { fullPath: 'secret/vault' } });
      expect((await q(query, 'olivia')).data).toEqual({ tool: { fullPath: 'acme/tool' }, vault: { fullPath: 'secret/vault' } });
      expect((await q(query, 'root')).data).toEqual({ tool: { fullPath: 'acme/tool' }, vault: { fullPath: 'secret/vault' } });
    });

    it('exposes every field of a group project as GitLab writes it', async () => {
      const res = await q(`{ project(fullPath: "acme/web") {
        id name path fullPath nameWithNamespace description visibility webUrl webPath archived createdAt
        namespace { id fullPath } group { id fullPath } rootGroup { fullPath } } }`);
      expect(res.errors).toBeUndefined();
      expect(res.data.project).toEqual({
        id: `gid://gitlab/Project/${projects.web.id}`,
        name: 'Web Portal',
        path: 'web',
        fullPath: 'acme/web',
        nameWithNamespace: 'Acme Corp / Web Portal',
        description: 'Customer website',
        visibility: 'public',
        webUrl: 'http://example.com/acme/web',
        webPath: '/acme/web',
        archived: false,
        createdAt: projects.web.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        namespace: { id: `gid://gitlab/Group/${groups.acme.id}`, fullPath: 'acme' },
        group: { id: `gid://gitlab/Group/${groups.acme.id}`, fullPath: 'acme' },
        rootGroup: { fullPath: 'acme' },
      });
      expect(res.data.project.createdAt).toMatch(/^2026-01-15T12:0\d:00Z$/);
    });

    it('gives a subgroup project its own group, its top-level group as rootGroup and the full name chain', async () => {
      const res = await q('{ project(fullPath: "acme/platform/api") { nameWithNamespace visibility description group { fullPath } rootGroup { fullPath } } }', 'oscar');
      expect(res.errors).toBeUndefined();
      expect(res.data.project).toEqual({
        nameWithNamespace: 'Acme Corp / Platform / API',
        visibility: 'internal',
        description: null,
        group: { fullPath: 'acme/platform' },
        rootGroup: { fullPath: 'acme' },
      });
    });

    it('reports archived projects as archived', async () => {
      const res = await q('{ project(fullPath: "acme/legacy") { archived } }');
      expect(res.data.project).toEqual({ archived: true });
    });

    it('gives a personal project no group, and a UserNamespace as namespace for its owner', async () => {
      const res = await q(
        '{ project(fullPath: "olivia/scratch") { nameWithNamespace webUrl group { id } rootGroup { id } namespace { id fullPath } } }',
        'olivia',
      );
      expect(res.errors).toBeUndefined();
      const ns = await h.app.services.namespaces.personalNamespaceOf(h.system(), users.olivia.id);
      expect(res.data.project).toEqual({
        nameWithNamespace: 'Olivia Owner / scratch',
        webUrl: 'http://example.com/olivia/scratch',
        group: null,
        rootGroup: null,
        namespace: { id: `gid://gitlab/Namespaces::UserNamespace/${ns!.id}`, fullPath: 'olivia' },
      });
    });

    it("hides the personal namespace of a public personal project from other viewers", async () => {
      const res = await q('{ project(fullPath: "oscar/notes") { fullPath namespace { fullPath } } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.project).toEqual({ fullPath: 'oscar/notes', namespace: null });
    });

    describe('maxAccessLevel', () => {
      const query = '{ project(fullPath: "acme/web") { maxAccessLevel { integerValue stringValue humanAccess } } }';

      it('is NO_ACCESS for anonymous viewers and non-members', async () => {
        const none = { integerValue: 0, stringValue: 'NO_ACCESS', humanAccess: 'No access' };
        expect((await q(query)).data.project.maxAccessLevel).toEqual(none);
        expect((await q(query, 'oscar')).data.project.maxAccessLevel).toEqual(none);
      });

      it("is the role inherited from the project's group", async () => {
        expect((await q(query, 'dave')).data.project.maxAccessLevel).toEqual({ integerValue: 30, stringValue: 'DEVELOPER', humanAccess: 'Developer' });
        expect((await q(query, 'olivia')).data.project.maxAccessLevel).toEqual({ integerValue: 50, stringValue: 'OWNER', humanAccess: 'Owner' });
      });

      it('is the direct role on the project, and Owner for the owner of a personal project', async () => {
        const res = await q('{ project(fullPath: "secret/vault") { maxAccessLevel { stringValue } } }', 'pat');
        expect(res.data.project.maxAccessLevel).toEqual({ stringValue: 'REPORTER' });
        const own = await q('{ project(fullPath: "olivia/scratch") { maxAccessLevel { stringValue } } }', 'olivia');
        expect(own.data.project.maxAccessLevel).toEqual({ stringValue: 'OWNER' });
      });

      it('is NO_ACCESS for an administrator who is not a member (admin powers are not a role; inferred)', async () => {
        const res = await q('{ project(fullPath: "secret/vault") { maxAccessLevel { stringValue } } }', 'root');
        expect(res.data.project.maxAccessLevel).toEqual({ stringValue: 'NO_ACCESS' });
      });
    });

    describe('userPermissions', () => {
      const query = `{ project(fullPath: "acme/web") { userPermissions {
        readProject downloadCode createIssue pushCode adminProject removeProject archiveProject forkProject } } }`;

      it('lets anonymous viewers of a public project read it and nothing more', async () => {
        expect((await q(query)).data.project.userPermissions).toEqual({
          readProject: true,
          downloadCode: true,
          createIssue: false,
          pushCode: false,
          adminProject: false,
          removeProject: false,
          archiveProject: false,
          forkProject: false,
        });
      });

      it('lets a signed-in non-member open issues and fork, but not push', async () => {
        expect((await q(query, 'oscar')).data.project.userPermissions).toMatchObject({ readProject: true, createIssue: true, forkProject: true, pushCode: false, adminProject: false });
      });

      it('lets a Developer push but not administer, and an Owner do everything', async () => {
        expect((await q(query, 'dave')).data.project.userPermissions).toMatchObject({ pushCode: true, adminProject: false, removeProject: false });
        expect((await q(query, 'olivia')).data.project.userPermissions).toMatchObject({
          pushCode: true,
          adminProject: true,
          removeProject: true,
          archiveProject: true,
        });
      });

      it('makes an archived project read-only, even for its Owner', async () => {
        const res = await q('{ project(fullPath: "acme/legacy") { userPermissions { readProject pushCode createIssue archiveProject } } }', 'olivia');
        expect(res.data.project.userPermissions).toEqual({ readProject: true, pushCode: false, createIssue: false, archiveProject: true });
      });
    });
  });

  describe('projects(...)', () => {
    it('lists what each viewer may see, and count agrees with the list', async () => {
      const query = '{ projects { count nodes { fullPath } } }';
      const seen = async (who?: string) => {
        const res = await q(query, who);
        expect(res.errors).toBeUndefined();
        const paths = res.data.projects.nodes.map((n: { fullPath: string }) => n.fullPath);
        expect(res.data.projects.count).toBe(paths.length);
        return sorted(paths);
      };
      expect(await seen()).toEqual(['acme/legacy', 'acme/web', 'oscar/notes']);
      expect(await seen('ext')).toEqual(['acme/legacy', 'acme/web', 'oscar/notes']);
      expect(await seen('oscar')).toEqual(['acme/intranet', 'acme/legacy', 'acme/platform/api', 'acme/web', 'oscar/notes']);
      expect(await seen('pat')).toEqual(['acme/intranet', 'acme/legacy', 'acme/platform/api', 'acme/web', 'oscar/notes', 'secret/vault']);
      expect(await seen('dave')).toEqual(['acme/intranet', 'acme/legacy', 'acme/platform/api', 'acme/tool', 'acme/web', 'oscar/notes']);
      expect(await seen('root')).toHaveLength(8);
    });

    it('sorts by id, newest first, by default', async () => {
      const all = await listPaths('', 'root');
      const ids = Object.values(projects).sort((a, b) => b.id - a.id).map((p) => p.fullPath);
      expect(all).toEqual(ids);
    });

    it('counts the whole filtered list, not the page', async () => {
      const res = await q('{ projects(first: 2) { count nodes { fullPath } pageInfo { hasNextPage } } }', 'oscar');
      expect(res.data.projects.count).toBe(5);
      expect(res.data.projects.nodes).toHaveLength(2);
      expect(res.data.projects.pageInfo.hasNextPage).toBe(true);
    });

    describe('membership', () => {
      it("lists the projects the viewer belongs to, directly or through groups (subgroups included)", async () => {
        expect(sorted(await listPaths('membership: true', 'dave'))).toEqual(['acme/intranet', 'acme/legacy', 'acme/platform/api', 'acme/tool', 'acme/web']);
        expect(await listPaths('membership: true', 'pat')).toEqual(['secret/vault']);
        expect(await listPaths('membership: true', 'oscar')).toEqual(['oscar/notes']);
      });

      it('is empty for anonymous viewers', async () => {
        const res = await q('{ projects(membership: true) { count nodes { fullPath } } }');
        expect(res.errors).toBeUndefined();
        expect(res.data.projects).toEqual({ count: 0, nodes: [] });
      });

      it("does not make an administrator a member of everything", async () => {
        expect(await listPaths('membership: true', 'root')).toEqual([]);
      });
    });

    describe('search', () => {
      it('matches the name, the path or the description, ignoring case', async () => {
        expect(await listPaths('search: "PORTAL"')).toEqual(['acme/web']);
        expect(await listPaths('search: "web"')).toEqual(['acme/web']);
        expect(await listPaths('search: "customer"')).toEqual(['acme/web']);
        expect(await listPaths('search: "nothing-like-this"')).toEqual([]);
      });

      it('never finds what the viewer may not see', async () => {
        expect(await listPaths('search: "vault"')).toEqual([]);
        expect(await listPaths('search: "vault"', 'pat')).toEqual(['secret/vault']);
      });

      it('treats LIKE wildcards in the term as plain characters', async () => {
        expect(await listPaths('search: "%"', 'root')).toEqual([]);
        expect(await listPaths('search: "_"', 'root')).toEqual([]);
      });

      it('matches the namespace only with searchNamespaces: true', async () => {
        expect(await listPaths('search: "platform"', 'oscar')).toEqual([]);
        expect(await listPaths('search: "platform", searchNamespaces: true', 'oscar')).toEqual(['acme/platform/api']);
      });
    });

    describe('ids', () => {
      it('restricts the list to the given global IDs, still hiding what the viewer may not see', async () => {
        const gid = (p: Project) => `"gid://gitlab/Project/${p.id}"`;
        expect(sorted(await listPaths(`ids: [${gid(projects.web)}, ${gid(projects.tool)}]`, 'dave'))).toEqual(['acme/tool', 'acme/web']);
        expect(await listPaths(`ids: [${gid(projects.web)}, ${gid(projects.tool)}]`)).toEqual(['acme/web']);
        expect(await listPaths('ids: []', 'root')).toEqual([]);
      });

      it('rejects an ID of another model with GitLab\'s parse_gid message', async () => {
        const res = await q(`{ projects(ids: ["gid://gitlab/Group/${groups.acme.id}"]) { nodes { fullPath } } }`);
        expect(res.errors?.[0].message).toBe(`gid://gitlab/Group/${groups.acme.id} is not a valid ID for Project.`);
        expect(res.data).toEqual({ projects: null });
      });
    });

    describe('fullPaths', () => {
      it('restricts the list to the given paths, ignoring case and hiding what the viewer may not see', async () => {
        expect(sorted(await listPaths('fullPaths: ["acme/web", "ACME/INTRANET", "secret/vault", "no/such"]', 'oscar'))).toEqual(['acme/intranet', 'acme/web']);
      });

      it('accepts 50 paths', async () => {
        const paths = Array.from({ length: 49 }, (_, i) => `x/p${i}`).concat('acme/web');
        const res = await q('query($p: [String!]) { projects(fullPaths: $p) { nodes { fullPath } } }', undefined, { p: paths });
        expect(res.errors).toBeUndefined();
        expect(res.data.projects.nodes).toEqual([{ fullPath: 'acme/web' }]);
      });

      it("refuses more than 50 paths with GitLab's message", async () => {
        const paths = Array.from({ length: 51 }, (_, i) => `x/p${i}`);
        const res = await q('query($p: [String!]) { projects(fullPaths: $p) { nodes { fullPath } } }', undefined, { p: paths });
        expect(res.errors?.map((e) => e.message)).toEqual(['You cannot provide more than 50 full paths.']);
        expect(res.data).toEqual({ projects: null });
      });
    });

    describe('namespacePath', () => {
      it("lists the projects directly in a group, not its subgroups' (inferred)", async () => {
        expect(sorted(await listPaths('namespacePath: "acme"', 'dave'))).toEqual(['acme/intranet', 'acme/legacy', 'acme/tool', 'acme/web']);
        expect(await listPaths('namespacePath: "acme/platform"', 'oscar')).toEqual(['acme/platform/api']);
        expect(sorted(await listPaths('namespacePath: "acme"'))).toEqual(['acme/legacy', 'acme/web']);
      });

      it('lists the projects of a personal namespace that the viewer may see', async () => {
        expect(await listPaths('namespacePath: "oscar"')).toEqual(['oscar/notes']);
        expect(await listPaths('namespacePath: "olivia"', 'oscar')).toEqual([]);
        expect(await listPaths('namespacePath: "olivia"', 'olivia')).toEqual(['olivia/scratch']);
      });

      it('is empty for an unknown namespace', async () => {
        expect(await listPaths('namespacePath: "no-such-group"', 'root')).toEqual([]);
      });
    });

    describe('personal', () => {
      it("lists the projects of the viewer's own personal namespace", async () => {
        expect(await listPaths('personal: true', 'olivia')).toEqual(['olivia/scratch']);
        expect(await listPaths('personal: true', 'oscar')).toEqual(['oscar/notes']);
        expect(await listPaths('personal: true', 'dave')).toEqual([]);
      });

      it('is empty for anonymous viewers', async () => {
        expect(await listPaths('personal: true')).toEqual([]);
      });
    });

    describe('archived', () => {
      it('includes archived projects by default and with INCLUDE', async () => {
        expect(sorted(await listPaths(''))).toContain('acme/legacy');
        expect(sorted(await listPaths('archived: INCLUDE'))).toEqual(['acme/legacy', 'acme/web', 'oscar/notes']);
      });

      it('lists only archived projects with ONLY, and none with EXCLUDE', async () => {
        expect(await listPaths('archived: ONLY', 'root')).toEqual(['acme/legacy']);
        expect(sorted(await listPaths('archived: EXCLUDE'))).toEqual(['acme/web', 'oscar/notes']);
      });
    });

    describe('visibilityLevel', () => {
      it('keeps projects of one visibility', async () => {
        expect(sorted(await listPaths('visibilityLevel: public', 'root'))).toEqual(['acme/legacy', 'acme/web', 'oscar/notes']);
        expect(sorted(await listPaths('visibilityLevel: internal', 'root'))).toEqual(['acme/intranet', 'acme/platform/api']);
        expect(sorted(await listPaths('visibilityLevel: private', 'root'))).toEqual(['acme/tool', 'olivia/scratch', 'secret/vault']);
      });

      it('still hides what the viewer may not see', async () => {
        expect(await listPaths('visibilityLevel: private', 'oscar')).toEqual([]);
        expect(await listPaths('visibilityLevel: internal')).toEqual([]);
      });
    });

    describe('minAccessLevel', () => {
      it('keeps the projects where the viewer holds at least that role', async () => {
        expect(await listPaths('minAccessLevel: DEVELOPER', 'dave')).toHaveLength(5);
        expect(await listPaths('minAccessLevel: MAINTAINER', 'dave')).toEqual([]);
        expect(await listPaths('minAccessLevel: REPORTER', 'pat')).toEqual(['secret/vault']);
        expect(await listPaths('minAccessLevel: DEVELOPER', 'pat')).toEqual([]);
        expect(sorted(await listPaths('minAccessLevel: OWNER', 'olivia'))).toEqual([
          'acme/intranet',
          'acme/legacy',
          'acme/platform/api',
          'acme/tool',
          'acme/web',
          'olivia/scratch',
          'secret/vault',
        ]);
      });

      it('is empty for anonymous viewers', async () => {
        expect(await listPaths('minAccessLevel: GUEST')).toEqual([]);
      });
    });

    describe('sort', () => {
      const byId = (list: Project[]) => list.map((p) => p.fullPath);
      const every = () => Object.values(projects);

      it('sorts by id both ways', async () => {
        expect(await listPaths('sort: "id_asc"', 'root')).toEqual(byId(every().sort((a, b) => a.id - b.id)));
        expect(await listPaths('sort: "id_desc"', 'root')).toEqual(byId(every().sort((a, b) => b.id - a.id)));
      });

      it('sorts by name and by path, ignoring case', async () => {
        const byName = every().sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()) || a.id - b.id);
        expect(await listPaths('sort: "name_asc"', 'root')).toEqual(byId(byName));
        expect(await listPaths('sort: "name_desc"', 'root')).toEqual(byId([...byName].reverse()));
        const byPath = every().sort((a, b) => a.path.localeCompare(b.path) || a.id - b.id);
        expect(await listPaths('sort: "path_asc"', 'root')).toEqual(byId(byPath));
      });

      it('sorts by creation time, accepting the upper-case spelling the frontend sends', async () => {
        const oldest = byId(every().sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()));
        expect(await listPaths('sort: "created_asc"', 'root')).toEqual(oldest);
        expect(await listPaths('sort: "CREATED_DESC"', 'root')).toEqual([...oldest].reverse());
      });

      it('sorts by last activity', async () => {
        const newest = byId(every().sort((a, b) => b.lastActivityAt.getTime() - a.lastActivityAt.getTime() || b.id - a.id));
        expect(await listPaths('sort: "latest_activity_desc"', 'root')).toEqual(newest);
      });

      it('ignores a sort it does not know and keeps the default order, without an error (as GitLab\'s sort_by_attribute; inferred)', async () => {
        const res = await q('{ projects(sort: "stars_sideways") { nodes { fullPath } } }', 'root');
        expect(res.errors).toBeUndefined();
        expect(res.data.projects.nodes.map((n: { fullPath: string }) => n.fullPath)).toEqual(await listPaths('sort: "id_desc"', 'root'));
      });
    });
  });
});

/**
 * Issue 25: with a token, `project(fullPath)` reads the project, its namespace chain and the viewer's
 * memberships in one statement. The roles it gives are the ones the memberships' own statement gives
 * (`projects(fullPaths)` reads them before any project), for each way of holding a role:
 *
 *   corp (internal) / sub (internal) / app (internal)
 *   dina: Developer of corp/sub/app          gail: Maintainer of corp
 *   eve: Developer of corp/sub/app, expired  tim: Developer of team; corp/sub is shared with team at Reporter
 */
describe('project(fullPath) with a token: roles read along with the project', () => {
  let counting = false;
  let statements: string[] = [];
  const h = useHarness({ onQuery: (sql) => void (counting && statements.push(sql)) });
  const tokens: Record<string, string> = {};
  /** The membership statement, alone or inside another. */
  const readsMemberships = (sql: string) => /\bFROM members m\b/.test(sql);
  const fields = 'fullPath maxAccessLevel { integerValue stringValue } userPermissions { readProject pushCode adminProject removeProject createIssue readProjectMember }';

  beforeAll(async () => {
    const people: Record<string, User> = {};
    for (const name of ['olivia', 'dina', 'gail', 'eve', 'tim']) {
      people[name] = await h.createUser(name);
      tokens[name] = (await h.createPat(people[name], ['read_api'])).secret;
    }
    const corp = await h.createGroup('corp', { visibility: 'internal', owner: people.olivia });
    const sub = await h.createGroup('sub', { parent: 'corp', visibility: 'internal' });
    const team = await h.createGroup('team', { owner: people.olivia });
    const app = await h.createProject('app', 'corp/sub', { visibility: 'internal' });
    await h.addMember({ project: app }, people.dina, 'developer');
    await h.addMember({ group: corp }, people.gail, 'maintainer');
    await h.addMember({ group: team }, people.tim, 'developer');
    await h.app.services.groupLinks.shareGroup(h.system(), sub, team, { groupAccess: 20, expiresAt: null });
    // A membership cannot be added already expired: one that ended yesterday.
    await h.addMember({ project: app }, people.eve, 'developer', '2026-03-01');
    await h.app.dataSource.query(`UPDATE members SET expires_at = '2026-01-14' WHERE user_id = ${people.eve.id}`);
  });

  const role = (integerValue: number, stringValue: string, can: { push?: boolean; admin?: boolean }) => ({
    fullPath: 'corp/sub/app',
    maxAccessLevel: { integerValue, stringValue },
    userPermissions: { readProject: true, pushCode: !!can.push, adminProject: !!can.admin, removeProject: false, createIssue: true, readProjectMember: true },
  });

  it.each([
    ['a direct member of the project', 'dina', role(30, 'DEVELOPER', { push: true })],
    ['a member of an ancestor group', 'gail', role(40, 'MAINTAINER', { push: true, admin: true })],
    ['a member whose membership has expired (a signed-in non-member of an internal project)', 'eve', role(0, 'NO_ACCESS', {})],
    ["a member of a group the project's group is shared with (capped at the link)", 'tim', role(20, 'REPORTER', {})],
  ])('%s', async (_case, who, expected) => {
    const byPath = async () => {
      const res = await h.gql(`query($p: ID!) { project(fullPath: $p) { ${fields} } }`, { p: 'corp/sub/app' }, { token: tokens[who] });
      expect(res.errors).toBeUndefined();
      return res.data.project;
    };
    await byPath();
    statements = [];
    counting = true;
    const project = await byPath();
    counting = false;
    expect(project).toEqual(expected);
    // Token and user, then the project, its chain and the memberships: the memberships come along.
    expect(statements.length).toBe(2);
    expect(statements.filter(readsMemberships)).toHaveLength(1);
    // The list reads the memberships by themselves, before any project: asked first in one request, it
    // leaves them known to `project(fullPath)`, which then reads the project alone. Read once either way.
    statements = [];
    counting = true;
    const both = await h.gql(
      `query($p: ID!, $ps: String!) { list: projects(fullPaths: [$ps]) { nodes { ${fields} } } project(fullPath: $p) { ${fields} } }`,
      { p: 'corp/sub/app', ps: 'corp/sub/app' },
      { token: tokens[who] },
    );
    counting = false;
    expect(statements.filter(readsMemberships)).toHaveLength(1);
    expect(both.errors).toBeUndefined();
    expect(both.data).toEqual({ list: { nodes: [expected] }, project: expected });
  });
});
