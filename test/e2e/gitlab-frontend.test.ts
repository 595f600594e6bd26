import { useHarness } from '../helpers/harness';
import type { User } from '../../src/modules/user/user.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import { RESOURCE_NOT_AVAILABLE } from '../../src/core/errors';

/**
 * Issue 11: documents written the way GitLab's own frontend writes them (shared fragments on
 * `ProjectInterface` and `GroupInterface`, `@include`/`@skip` on variables, `__typename` everywhere,
 * `@gl_introduced`), and the small features behind the fields they ask for: stars, topics, forks,
 * archiving, delayed deletion and user status, driven through the API and the `labgate` command.
 *
 * The instance:
 *   acme (public group, owner olivia, developer dave)
 *     web      public  "Web Portal", description with markup
 *     tool     private
 *   secret (private group, owner olivia)
 *     vault    private
 *   mallory: a user with no membership
 */
describe('GitLab frontend documents and the features behind them', () => {
  const h = useHarness();
  const users: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  const projects: Record<string, Project> = {};
  const groups: Record<string, Namespace> = {};

  const q = (query: string, who?: string, variables?: Record<string, unknown>) => h.gql(query, variables, who ? { token: tokens[who] } : {});

  /** A `labgate` command that must succeed; its JSON result. */
  async function cli(...args: string[]) {
    const res = await h.cli([...args, '--json']);
    if (res.code !== 0) throw new Error(`labgate ${args.join(' ')} failed: ${res.err}`);
    return res.json;
  }

  beforeAll(async () => {
    for (const name of ['olivia', 'dave', 'mallory']) {
      users[name] = await h.createUser(name);
      tokens[name] = (await h.createPat(users[name], ["api"])).secret;
    }
    groups.acme = await h.createGroup('acme', { visibility: 'public', owner: users.olivia });
    groups.secret = await h.createGroup('secret', { visibility: 'private', owner: users.olivia });
    await h.addMember({ group: groups.acme }, users.dave, 'developer');
    projects.web = await h.app.services.projects.create(h.system(), {
      path: 'web',
      namespace: 'acme',
      name: 'Web Portal',
      visibility: 'public',
      description: 'Customer <b>site</b>\n\nSecond & last',
    });
    projects.tool = await h.createProject('tool', 'acme');
    projects.vault = await h.createProject('vault', 'secret');
  });

  describe('a document shaped like GitLab\u2019s frontend', () => {
    const DOCUMENT = `
      fragment ProjectCard on ProjectInterface {
        __typename id name fullPath nameWithNamespace description avatarUrl webUrl
        userPermissions { __typename removeProject viewEditPage }
        ... on Project {
          starCount forksCount topics archived descriptionHtml editPath
          markedForDeletion markedForDeletionOn permanentDeletionDate isSelfDeletionScheduled isSelfDeletionInProgress
          isForked forkingAccessLevel { __typename integerValue stringValue }
          visibility createdAt lastActivityAt maxAccessLevel { __typename integerValue stringValue }
          group { __typename ...GroupCard }
        }
      }
      fragment GroupCard on GroupInterface { __typename id fullName fullPath name webUrl avatarUrl }
      query FrontendProjects($search: String, $withMembers: Boolean = false, $skipTopics: Boolean = false, $first: Int) {
        currentUser {
          __typename id username
          status { __typename emoji message availability }
          starredProjects(first: 5) { __typename count nodes { ...ProjectCard } }
        }
        projects(search: $search, first: $first, sort: "name_asc", active: true) {
          __typename count
          nodes { ...ProjectCard projectMembers @include(if: $withMembers) { nodes { __typename id } } }
          pageInfo { __typename hasNextPage endCursor }
        }
        groups(first: 10) { __typename count nodes { ...GroupCard archived isSelfArchived markedForDeletion rootNamespace { __typename fullPath } } }
        topics(first: 10) @skip(if: $skipTopics) { __typename nodes { __typename id name title } }
        metadata { __typename version @gl_introduced(version: "15.0.0") }
      }`;

    it('answers with data and no errors, with @include/@skip following the variables', async () => {
      const res = await q(DOCUMENT, 'dave', { search: 'web', withMembers: true });
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      const web = res.data.projects.nodes[0];
      expect(web).toMatchObject({
        __typename: 'Project',
        fullPath: 'acme/web',
        starCount: 0,
        forksCount: 0,
        topics: [],
        archived: false,
        markedForDeletion: false,
        isForked: false,
        editPath: '/acme/web/edit',
        descriptionHtml: '<p dir="auto">Customer &lt;b&gt;site&lt;/b&gt;</p>\n<p dir="auto">Second &amp; last</p>',
        forkingAccessLevel: { __typename: 'ProjectFeatureAccess', integerValue: 20, stringValue: 'ENABLED' },
        group: { __typename: 'Group', fullPath: 'acme' },
      });
      expect(web.projectMembers.nodes.length).toBeGreaterThan(0);
      expect(res.data.topics.__typename).toBe('TopicConnection');
      expect(res.data.groups.count).toBe(res.data.groups.nodes.length);
      expect(res.data.groups.nodes[0].rootNamespace.fullPath).toBe(res.data.groups.nodes[0].fullPath);

      const skipped = await q(DOCUMENT, 'dave', { search: 'web', skipTopics: true });
      expect(skipped.errors).toBeUndefined();
      expect(skipped.data.topics).toBeUndefined();
      expect(skipped.data.projects.nodes[0].projectMembers).toBeUndefined();
    });

    it('introspection lists the standard directives and @gl_introduced', async () => {
      const res = await q('{ __schema { directives { name locations args { name type { kind ofType { name } } } } } }');
      const names = res.data.__schema.directives.map((d: { name: string }) => d.name);
      expect(names).toEqual(expect.arrayContaining(['include', 'skip', 'deprecated', 'specifiedBy', 'gl_introduced']));
      const gl = res.data.__schema.directives.find((d: { name: string }) => d.name === 'gl_introduced');
      expect(gl.locations.sort()).toEqual(['FIELD', 'INLINE_FRAGMENT']);
      expect(gl.args).toEqual([{ name: 'version', type: { kind: 'NON_NULL', ofType: { name: 'String' } } }]);
    });
  });

  describe("validation errors in GitLab's (graphql-ruby's) wording", () => {
    const cases: Array<[string, string, Record<string, unknown>?]> = [
      ['{ project(fullPath: "acme/web") { nope } }', "Field 'nope' doesn't exist on type 'Project'"],
      ['{ project(fullPath: "acme/web", bogus: 1) { id } }', "Field 'project' doesn't accept argument 'bogus'"],
      ['{ project { id } }', "Field 'project' is missing required arguments: fullPath"],
      ['{ project(fullPath: "acme/web") }', "Field must have selections (field 'project' returns Project but has no selections. Did you mean 'project { ... }'?)"],
      ['{ project(fullPath: "acme/web") { name { x } } }', "Selections can't be made on scalars (field 'name' returns String but has selections [\"x\"])"],
      ['{ projects(first: "ten") { nodes { id } } }', "Argument 'first' on Field 'projects' has an invalid value (\"ten\"). Expected type 'Int'."],
      ['{ groups(sort: 1) { nodes { id } } }', "Argument 'sort' on Field 'groups' has an invalid value (1). Expected type 'String'."],
      ['{ project(fullPath: "acme/web") { id @bogus } }', 'Directive @bogus is not defined'],
      ['query($x: String) { project(fullPath: "acme/web") { id } }', 'Variable $x is declared by anonymous query but not used'],
      ['query Q { project(fullPath: $p) { id } }', 'Variable $p is used by Q but not declared'],
      ['query($p: Nope) { project(fullPath: $p) { id } }', "Nope isn't a defined input type (on $p)"],
      ['query($p: ID!) { project(fullPath: $p) { id } }', 'Variable $p of type ID! was provided invalid value'],
      ['query($n: Int) { projects(first: $n) { nodes { id } } }', 'Variable $n of type Int was provided invalid value', { n: 'ten' }],
      [
        'mutation($input: StarProjectInput!) { starProject(input: $input) { count } }',
        'Variable $input of type StarProjectInput! was provided invalid value for starred (Expected value to not be null)',
        { input: { projectId: 'gid://gitlab/Project/1' } },
      ],
    ];
    it.each(cases)('%s', async (...[query, message, variables]) => {
      const res = await q(query, 'dave', variables ?? {});
      expect(res.status).toBe(200);
      expect(res.data).toBeUndefined();
      expect(res.errors?.[0].message).toBe(message);
    });
  });

  describe('stars', () => {
    const STAR = 'mutation($id: ProjectID!, $starred: Boolean!) { starProject(input: { projectId: $id, starred: $starred }) { count errors } }';
    const gid = (p: Project) => `gid://gitlab/Project/${p.id}`;

    it('starring counts once per user, shows in starredProjects, and unstarring takes it back', async () => {
      expect((await q(STAR, 'dave', { id: gid(projects.web), starred: true })).data.starProject).toEqual({ count: '1', errors: [] });
      expect((await q(STAR, 'dave', { id: gid(projects.web), starred: true })).data.starProject.count).toBe('1');
      expect((await q(STAR, 'mallory', { id: gid(projects.web), starred: true })).data.starProject.count).toBe('2');
      const res = await q('{ project(fullPath: "acme/web") { starCount } user(username: "dave") { starredProjects { count nodes { fullPath } } } }', 'mallory');
      expect(res.data.project.starCount).toBe(2);
      expect(res.data.user.starredProjects).toEqual({ count: 1, nodes: [{ fullPath: 'acme/web' }] });
      expect((await q(STAR, 'mallory', { id: gid(projects.web), starred: false })).data.starProject.count).toBe('1');
    });

    it('a starred project the viewer cannot see is not listed; a hidden project cannot be starred', async () => {
      await q(STAR, 'olivia', { id: gid(projects.vault), starred: true });
      const mine = await q('{ currentUser { starredProjects { nodes { fullPath } } } }', 'olivia');
      expect(mine.data.currentUser.starredProjects.nodes).toEqual([{ fullPath: 'secret/vault' }]);
      const seen = await q('{ user(username: "olivia") { starredProjects { count nodes { fullPath } } } }', 'mallory');
      expect(seen.data.user.starredProjects).toEqual({ count: 0, nodes: [] });

      const before = await h.rowCounts();
      const refused = await q(STAR, 'mallory', { id: gid(projects.vault), starred: true });
      expect(refused.errors?.[0].message).toMatch(/does not exist or you don't have permission/);
      const anonymous = await q(STAR, undefined, { id: gid(projects.web), starred: true });
      expect(anonymous.errors?.map((e: { message: string }) => e.message)).toEqual([RESOURCE_NOT_AVAILABLE]);
      expect(await h.rowCounts()).toEqual(before);
      const vault = await q('{ project(fullPath: "secret/vault") { starCount } }', 'olivia');
      expect(vault.data.project.starCount).toBe(1);
    });

    it('sorts starred projects by stars', async () => {
      const res = await q('{ currentUser { starredProjects(sort: STARS_DESC) { nodes { fullPath starCount } } } }', 'olivia');
      expect(res.errors).toBeUndefined();
      expect(res.data.currentUser.starredProjects.nodes).toEqual([{ fullPath: 'secret/vault', starCount: 1 }]);
    });
  });

  describe('topics', () => {
    it('are set with `labgate projects update --topics`, in order, without duplicates whatever their case', async () => {
      const out = await cli('projects', 'update', '--project', 'acme/web', '--topics', 'GraphQL, api,graphql, ,web');
      expect(out.topics).toEqual(['GraphQL', 'api', 'web']);
      const res = await q('{ project(fullPath: "acme/web") { topics tagList } topics(search: "gr") { nodes { name title id } } }');
      expect(res.data.project).toEqual({ topics: ['GraphQL', 'api', 'web'], tagList: 'GraphQL, api, web' });
      expect(res.data.topics.nodes).toEqual([{ name: 'GraphQL', title: 'GraphQL', id: expect.stringMatching(/^gid:\/\/gitlab\/Projects::Topic\/\d+$/) }]);
    });

    it('filter projects (every topic asked for must be there)', async () => {
      await cli('projects', 'update', '--project', 'acme/tool', '--topics', 'api');
      const both = await q('{ projects(topics: ["api", "graphql"]) { nodes { fullPath } } }', 'dave');
      expect(both.data.projects.nodes).toEqual([{ fullPath: 'acme/web' }]);
      const one = await q('{ projects(topics: ["API"], sort: "path_asc") { nodes { fullPath } } }', 'dave');
      expect(one.data.projects.nodes).toEqual([{ fullPath: 'acme/tool' }, { fullPath: 'acme/web' }]);
    });

    it('may not be set by a Developer; nothing changes', async () => {
      const res = await h.cli(['projects', 'update', '--project', 'acme/web', '--topics', 'hacked', '--as', 'dave']);
      expect(res.code).not.toBe(0);
      const topics = await q('{ project(fullPath: "acme/web") { topics } }');
      expect(topics.data.project.topics).toEqual(['GraphQL', 'api', 'web']);
    });

    it('list only topics of projects the viewer can see', async () => {
      await cli('projects', 'update', '--project', 'secret/vault', '--topics', 'classified');
      const outsider = await q('{ topics(search: "classified") { nodes { name } } }', 'mallory');
      expect(outsider.data.topics.nodes).toEqual([]);
      const owner = await q('{ topics(search: "classified") { nodes { name } } }', 'olivia');
      expect(owner.data.topics.nodes).toEqual([{ name: 'classified' }]);
      await cli('projects', 'update', '--project', 'secret/vault', '--topics', '');
    });

    it('list only topics some project carries; removing the last one drops it from the list', async () => {
      await cli('projects', 'update', '--project', 'acme/tool', '--topics', '');
      await cli('projects', 'update', '--project', 'acme/web', '--topics', 'web');
      const res = await q('{ topics { nodes { name } } }');
      expect(res.data.topics.nodes).toEqual([{ name: 'web' }]);
    });
  });

  describe('forks', () => {
    it('`labgate projects fork` makes a fork that the source counts and lists', async () => {
      const out = await cli('projects', 'fork', '--project', 'acme/web', '--namespace', 'dave', '--as', 'dave');
      expect(out.full_path).toBe('dave/web');
      const res = await q(`{
        source: project(fullPath: "acme/web") { forksCount isForked visibleForks { nodes { fullPath } } }
        fork: project(fullPath: "dave/web") { isForked forkedFrom { fullPath } topics visibility name }
      }`, 'mallory');
      expect(res.errors).toBeUndefined();
      // The fork is public (as its source is), so anyone sees it.
      expect(res.data.source).toEqual({ forksCount: 1, isForked: false, visibleForks: { nodes: [{ fullPath: 'dave/web' }] } });
      const owner = await q('{ source: project(fullPath: "acme/web") { forksCount visibleForks { nodes { fullPath } } } fork: project(fullPath: "dave/web") { isForked forkedFrom { fullPath } topics visibility name } }', 'dave');
      expect(owner.data.source).toEqual({ forksCount: 1, visibleForks: { nodes: [{ fullPath: 'dave/web' }] } });
      expect(owner.data.fork).toEqual({ isForked: true, forkedFrom: { fullPath: 'acme/web' }, topics: ['web'], visibility: 'public', name: 'Web Portal' });
    });

    it('refuses a second fork into the same namespace, and a namespace the caller may not create projects in', async () => {
      const before = await h.rowCounts();
      const again = await h.cli(['projects', 'fork', '--project', 'acme/web', '--namespace', 'dave', '--as', 'dave']);
      expect(again.code).not.toBe(0);
      expect(again.err).toMatch(/already forked/);
      const foreign = await h.cli(['projects', 'fork', '--project', 'acme/web', '--namespace', 'secret', '--as', 'dave']);
      expect(foreign.code).not.toBe(0);
      const hidden = await h.cli(['projects', 'fork', '--project', 'secret/vault', '--namespace', 'mallory', '--as', 'mallory']);
      expect(hidden.code).not.toBe(0);
      expect(await h.rowCounts()).toEqual(before);
    });

    it('forkTargets lists the personal namespace and the groups where the viewer may create projects', async () => {
      const res = await q('{ project(fullPath: "acme/web") { forkTargets { nodes { __typename fullPath } } } }', 'dave');
      expect(res.errors).toBeUndefined();
      expect(res.data.project.forkTargets.nodes).toEqual([
        { __typename: 'Namespace', fullPath: 'acme' },
        { __typename: 'Namespace', fullPath: 'dave' },
      ]);
      const searched = await q('{ project(fullPath: "acme/web") { forkTargets(search: "dav") { nodes { fullPath } } } }', 'dave');
      expect(searched.data.project.forkTargets.nodes).toEqual([{ fullPath: 'dave' }]);
      const anonymous = await q('{ project(fullPath: "acme/web") { forkTargets { nodes { fullPath } } } }');
      expect(anonymous.data.project.forkTargets).toBeNull();
    });

    it('hides forkedFrom when the viewer may not see the source', async () => {
      await cli('projects', 'fork', '--project', 'secret/vault', '--namespace', 'olivia', '--as', 'olivia');
      await h.addMember({ project: (await h.app.services.projects.findByFullPath(h.system(), 'olivia/vault'))! }, users.mallory, 'reporter');
      const res = await q('{ project(fullPath: "olivia/vault") { isForked forkedFrom { fullPath } } }', 'mallory');
      expect(res.data.project).toEqual({ isForked: true, forkedFrom: null });
    });
  });

  describe('archiving and delayed deletion', () => {
    it('schedules a project for deletion and restores it, with GitLab\u2019s deletion-state fields and filters', async () => {
      const out = await cli('projects', 'delete', '--project', 'acme/tool');
      expect(out.full_path).toBe('acme/tool');
      const res = await q(`{
        project(fullPath: "acme/tool") { markedForDeletion markedForDeletionOn permanentDeletionDate isSelfDeletionScheduled isSelfDeletionInProgress }
        active: projects(active: true, sort: "path_asc") { nodes { fullPath } }
        aimed: projects(aimedForDeletion: true) { nodes { fullPath } }
        onDay: projects(markedForDeletionOn: "2026-01-15") { nodes { fullPath } }
        otherDay: projects(markedForDeletionOn: "2026-01-14") { nodes { fullPath } }
      }`, 'dave');
      expect(res.errors).toBeUndefined();
      expect(res.data.project).toEqual({
        markedForDeletion: true,
        markedForDeletionOn: '2026-01-15T12:00:00Z',
        permanentDeletionDate: '2026-01-22',
        isSelfDeletionScheduled: true,
        isSelfDeletionInProgress: false,
      });
      expect(res.data.active.nodes.map((n: { fullPath: string }) => n.fullPath)).toEqual(['acme/web', 'dave/web']);
      expect(res.data.aimed.nodes).toEqual([{ fullPath: 'acme/tool' }]);
      expect(res.data.onDay.nodes).toEqual([{ fullPath: 'acme/tool' }]);
      expect(res.data.otherDay.nodes).toEqual([]);

      const twice = await h.cli(['projects', 'delete', '--project', 'acme/tool']);
      expect(twice.code).not.toBe(0);
      expect(twice.err).toMatch(/already been marked for deletion/);
      await cli('projects', 'restore', '--project', 'acme/tool');
      const after = await q('{ project(fullPath: "acme/tool") { markedForDeletion permanentDeletionDate } }', 'dave');
      expect(after.data.project).toEqual({ markedForDeletion: false, permanentDeletionDate: null });
    });

    it('a Developer may not schedule a deletion', async () => {
      const res = await h.cli(['projects', 'delete', '--project', 'acme/tool', '--as', 'dave']);
      expect(res.code).not.toBe(0);
      const state = await q('{ project(fullPath: "acme/tool") { markedForDeletion } }', 'dave');
      expect(state.data.project.markedForDeletion).toBe(false);
    });

    it("a group's archive and deletion states reach its projects", async () => {
      await cli('groups', 'update', '--group', 'acme', '--archived', 'true');
      await cli('groups', 'delete', '--group', 'acme');
      const res = await q(`{
        group(fullPath: "acme") { archived isSelfArchived markedForDeletion isSelfDeletionScheduled permanentDeletionDate }
        project(fullPath: "acme/web") { archived isSelfArchived markedForDeletion isSelfDeletionScheduled }
        groups(active: false) { nodes { fullPath } }
      }`, 'dave');
      expect(res.errors).toBeUndefined();
      expect(res.data.group).toEqual({ archived: true, isSelfArchived: true, markedForDeletion: true, isSelfDeletionScheduled: true, permanentDeletionDate: '2026-01-22' });
      expect(res.data.project).toEqual({ archived: true, isSelfArchived: false, markedForDeletion: true, isSelfDeletionScheduled: false });
      expect(res.data.groups.nodes).toEqual([{ fullPath: 'acme' }]);
      const refused = await h.cli(['groups', 'restore', '--group', 'acme', '--as', 'dave']);
      expect(refused.code).not.toBe(0);
      await cli('groups', 'restore', '--group', 'acme');
      await cli('groups', 'update', '--group', 'acme', '--archived', 'false');
      const after = await q('{ project(fullPath: "acme/web") { archived markedForDeletion } }', 'dave');
      expect(after.data.project).toEqual({ archived: false, markedForDeletion: false });
    });
  });

  describe('user status', () => {
    it('is set with `labgate users update --status`, shown on every user type, and cleared', async () => {
      await cli('users', 'update', '--username', 'dave', '--status', 'On holiday', '--status-emoji', 'palm_tree', '--busy', '--as', 'dave');
      const res = await q('{ user(username: "dave") { status { emoji message messageHtml availability clearStatusAt } } currentUser { status { message } } }', 'dave');
      expect(res.data.user.status).toEqual({ emoji: 'palm_tree', message: 'On holiday', messageHtml: '<p dir="auto">On holiday</p>', availability: 'BUSY', clearStatusAt: null });
      expect(res.data.currentUser.status.message).toBe('On holiday');
      await cli('users', 'update', '--username', 'dave', '--status', '', '--as', 'dave');
      const cleared = await q('{ user(username: "dave") { status { message } } }', 'mallory');
      expect(cleared.data.user.status).toBeNull();
    });

    it("clears by itself at clearStatusAt, and nobody else may set someone's status", async () => {
      await cli('users', 'update', '--username', 'dave', '--status', 'Back soon', '--status-clear-at', '2026-01-16T00:00:00Z', '--as', 'dave');
      expect((await q('{ user(username: "dave") { status { emoji message } } }', 'mallory')).data.user.status).toEqual({ emoji: 'speech_balloon', message: 'Back soon' });
      const refused = await h.cli(['users', 'update', '--username', 'dave', '--status', 'pwned', '--as', 'mallory']);
      expect(refused.code).not.toBe(0);
      const bad = await h.cli(['users', 'update', '--username', 'dave', '--status', 'x'.repeat(101), '--as', 'dave']);
      expect(bad.code).not.toBe(0);
      expect(bad.err).toMatch(/Message is too long/);
      h.clock.set('2026-01-16T00:00:01.000Z');
      try {
        expect((await q('{ user(username: "dave") { status { message } } }', 'mallory')).data.user.status).toBeNull();
      } finally {
        h.clock.set('2026-01-15T12:00:00.000Z');
      }
    });
  });

  describe('groupUpdate with name, path and visibility', () => {
    const UPDATE = `mutation($input: GroupUpdateInput!) { groupUpdate(input: $input) { errors group { fullPath fullName name path visibility } } }`;

    it('renames and moves a group with everything below it (Owners)', async () => {
      const team = await h.createGroup('team', { parent: 'secret', visibility: 'private', owner: users.olivia });
      await h.createProject('box', 'secret/team');
      const res = await q(UPDATE, 'olivia', { input: { fullPath: 'secret', name: 'Top Secret', path: 'classified' } });
      expect(res.errors).toBeUndefined();
      expect(res.data.groupUpdate).toEqual({ errors: [], group: { fullPath: 'classified', fullName: 'Top Secret', name: 'Top Secret', path: 'classified', visibility: 'private' } });
      const below = await q('{ group(fullPath: "classified/team") { fullPath fullName } project(fullPath: "classified/team/box") { fullPath nameWithNamespace } old: group(fullPath: "secret") { id } }', 'olivia');
      expect(below.data).toEqual({
        group: { fullPath: 'classified/team', fullName: 'Top Secret / team' },
        project: { fullPath: 'classified/team/box', nameWithNamespace: 'Top Secret / team / box' },
        old: null,
      });
      expect(team.id).toBeGreaterThan(0);
      await q(UPDATE, 'olivia', { input: { fullPath: 'classified', name: 'secret', path: 'secret' } });
    });

    it("refuses what GitLab refuses, changing nothing: a Developer, a taken path, a visibility its projects exceed or its parent's", async () => {
      const before = await q('{ groups { nodes { fullPath fullName visibility } } }', 'olivia');
      const developer = await q(UPDATE, 'dave', { input: { fullPath: 'acme', name: 'Hacked' } });
      expect(developer.errors?.[0].message).toMatch(/does not exist or you don't have permission/);
      const taken = await q(UPDATE, 'olivia', { input: { fullPath: 'acme', path: 'secret' } });
      expect(taken.data.groupUpdate).toEqual({ errors: ['Path has already been taken'], group: null });
      const lower = await q(UPDATE, 'olivia', { input: { fullPath: 'acme', visibility: 'private' } });
      expect(lower.data.groupUpdate.errors).toEqual(['Visibility level private is not allowed since this group contains projects with higher visibility.']);
      const sub = await q(UPDATE, 'olivia', { input: { fullPath: 'secret/team', visibility: 'public' } });
      expect(sub.data.groupUpdate.errors).toEqual(['Visibility level public is not allowed since the parent group has a private visibility.']);
      const blank = await q(UPDATE, 'olivia', { input: { fullPath: 'acme', name: '  ' } });
      expect(blank.data.groupUpdate.errors).toEqual(["Name can't be blank"]);
      expect(await q('{ groups { nodes { fullPath fullName visibility } } }', 'olivia')).toEqual(before);
    });
  });

  describe('project settings', () => {
    const UPDATE = `mutation($input: ProjectSettingsUpdateInput!) { projectSettingsUpdate(input: $input) {
      errors projectSettings { duoFeaturesEnabled webBasedCommitSigningEnabled project { fullPath } } } }`;

    it('are stored by Owners and Maintainers and read back on the project; others are refused', async () => {
      const start = await q('{ project(fullPath: "acme/web") { duoFeaturesEnabled webBasedCommitSigningEnabled } }', 'dave');
      expect(start.data.project).toEqual({ duoFeaturesEnabled: true, webBasedCommitSigningEnabled: false });
      const res = await q(UPDATE, 'olivia', { input: { fullPath: 'acme/web', duoFeaturesEnabled: false, webBasedCommitSigningEnabled: true } });
      expect(res.data.projectSettingsUpdate).toEqual({ errors: [], projectSettings: { duoFeaturesEnabled: false, webBasedCommitSigningEnabled: true, project: { fullPath: 'acme/web' } } });
      const refused = await q(UPDATE, 'dave', { input: { fullPath: 'acme/web', duoFeaturesEnabled: true } });
      expect(refused.errors?.[0].message).toMatch(/does not exist or you don't have permission/);
      const after = await q('{ project(fullPath: "acme/web") { duoFeaturesEnabled webBasedCommitSigningEnabled } }', 'dave');
      expect(after.data.project).toEqual({ duoFeaturesEnabled: false, webBasedCommitSigningEnabled: true });
    });
  });

  describe('user preferences', () => {
    const UPDATE = `mutation($input: UserPreferencesUpdateInput!) { userPreferencesUpdate(input: $input) { errors userPreferences { projectsSort extensionsMarketplaceOptInStatus } } }`;

    it('are the user’s own: updated by them, read by them only', async () => {
      const start = await q('{ currentUser { userPreferences { projectsSort extensionsMarketplaceOptInStatus timezone } } }', 'dave');
      expect(start.data.currentUser.userPreferences).toEqual({ projectsSort: null, extensionsMarketplaceOptInStatus: 'UNSET', timezone: null });
      const res = await q(UPDATE, 'dave', { input: { projectsSort: 'NAME_ASC' } });
      expect(res.data.userPreferencesUpdate).toEqual({ errors: [], userPreferences: { projectsSort: 'NAME_ASC', extensionsMarketplaceOptInStatus: 'UNSET' } });
      await q(UPDATE, 'dave', { input: { extensionsMarketplaceOptInStatus: 'ENABLED' } });
      const mine = await q('{ currentUser { userPreferences { projectsSort extensionsMarketplaceOptInStatus } } }', 'dave');
      expect(mine.data.currentUser.userPreferences).toEqual({ projectsSort: 'NAME_ASC', extensionsMarketplaceOptInStatus: 'ENABLED' });
      const theirs = await q('{ user(username: "dave") { userPreferences { projectsSort } } }', 'mallory');
      expect(theirs.data.user.userPreferences).toBeNull();
      const anonymous = await q(UPDATE, undefined, { input: { projectsSort: 'NAME_DESC' } });
      expect(anonymous.errors?.map((e: { message: string }) => e.message)).toEqual([RESOURCE_NOT_AVAILABLE]);
    });
  });

  describe('frecent projects and groups', () => {
    it('rank what the viewer visited (GitLab’s POST /-/track_namespace_visits), on more days and lately first, and leave out what they may not see', async () => {
      const newcomer = await h.createUser('newcomer');
      await h.addMember({ group: groups.acme }, newcomer, 'reporter');
      const token = (await h.createPat(newcomer, ['api'])).secret;
      const read = (query: string) => h.gql(query, {}, { token });
      const visit = (type: string, id: number) =>
        h.request({ method: 'POST', url: '/-/track_namespace_visits', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ type, id }) });
      const rows = async () =>
        h.app.dataSource.query(`SELECT v.source_type AS kind, v.visited_on AS day, v.visit_count AS n FROM visits v JOIN users u ON u.id = v.user_id WHERE u.username = 'newcomer' ORDER BY v.id`);
      expect((await read('{ frecentProjects { fullPath } frecentGroups { fullPath } }')).data).toEqual({ frecentProjects: [], frecentGroups: [] });
      // Reading is not visiting: a dropdown resolving paths fills no frecent list.
      await read('{ project(fullPath: "acme/web") { id } group(fullPath: "acme") { id } }');
      expect(await rows()).toEqual([]);
      try {
        h.clock.set('2026-01-10T12:00:00.000Z');
        expect((await visit('projects', projects.tool.id)).status).toBe(200);
        for (const day of ['2026-01-13', '2026-01-14', '2026-01-15']) {
          h.clock.set(`${day}T12:00:00.000Z`);
          // Reported again within 15 minutes, a visit counts once.
          for (let i = 0; i < 3; i += 1) {
            expect((await visit('projects', projects.web.id)).status).toBe(200);
            expect((await visit('groups', groups.acme.id)).status).toBe(200);
          }
        }
        // Hidden from the visitor: answered as any other (GitLab records later, in a worker), not recorded.
        expect((await visit('projects', projects.vault.id)).status).toBe(200);
        h.clock.set('2026-01-15T12:16:00.000Z');
        await visit('projects', projects.web.id); // 16 minutes later: a second visit that day
      } finally {
        h.clock.set('2026-01-15T12:00:00.000Z');
      }
      expect((await rows()).map((r: { kind: string; day: string; n: number }) => [r.kind, r.day, Number(r.n)])).toEqual([
        ['Project', '2026-01-10', 1],
        ['Project', '2026-01-13', 1],
        ['Namespace', '2026-01-13', 1],
        ['Project', '2026-01-14', 1],
        ['Namespace', '2026-01-14', 1],
        ['Project', '2026-01-15', 2],
        ['Namespace', '2026-01-15', 1],
      ]);
      const res = await read('{ frecentProjects { __typename fullPath } frecentGroups { fullPath } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.frecentProjects).toEqual([{ __typename: 'Project', fullPath: 'acme/web' }, { __typename: 'Project', fullPath: 'acme/tool' }]);
      expect(res.data.frecentGroups).toEqual([{ fullPath: 'acme' }]);
      const anonymous = await q('{ frecentProjects { fullPath } }');
      expect(anonymous.data.frecentProjects).toBeNull();
    });

    it('the visit endpoint answers as GitLab’s: 400 without type or id, sign-in required, a write scope', async () => {
      const post = (body: string, headers: Record<string, string>) =>
        h.request({ method: 'POST', url: '/-/track_namespace_visits', headers: { 'content-type': 'application/json', ...headers }, body });
      const before = await h.app.dataSource.query('SELECT COUNT(*) AS n FROM visits');
      const missing = await post(JSON.stringify({ type: 'projects' }), { 'private-token': tokens.dave });
      expect([missing.status, missing.text]).toEqual([400, '']);
      const form = await h.request({
        method: 'POST',
        url: '/-/track_namespace_visits',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'private-token': tokens.dave },
        body: `id=${projects.web.id}`,
      });
      expect([form.status, form.text]).toEqual([400, '']);
      const anonymous = await post(JSON.stringify({ type: 'projects', id: projects.web.id }), {});
      expect([anonymous.status, anonymous.body]).toEqual([401, { error: 'You need to sign in or sign up before continuing.' }]);
      const readOnly = (await h.createPat(users.dave, ['read_api'])).secret;
      const refused = await post(JSON.stringify({ type: 'projects', id: projects.web.id }), { 'private-token': readOnly });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('insufficient_scope');
      // GitLab's web route declares no token permission: a fine-grained token is refused, as on REST routes without one.
      const created = await h.gql(
        `mutation($input: PersonalAccessTokenCreateInput!) { personalAccessTokenCreate(input: $input) { errors token } }`,
        { input: { name: 'fine', granularScopes: [{ access: 'USER', permissions: ['read_user'] }] } },
        { token: tokens.dave },
      );
      const fine = await post(JSON.stringify({ type: 'projects', id: projects.web.id }), { 'private-token': created.data.personalAccessTokenCreate.token });
      expect([fine.status, fine.body]).toEqual([403, { error: 'insufficient_granular_scope', error_description: 'Unable to determine boundaries and permissions for authorization' }]);
      expect(await h.app.dataSource.query('SELECT COUNT(*) AS n FROM visits')).toEqual(before);
    });
  });

  describe('types and values as in GitLab 18.9', () => {
    it('GroupMember.userPermissions is GroupMemberPermissions; member lists filter by ids, roles and user types', async () => {
      const res = await q(`{
        group(fullPath: "acme") { groupMembers { nodes { __typename id userPermissions { __typename readGroup createProjects removeGroup viewEditPage createCustomEmoji } } } }
        project(fullPath: "acme/web") { projectMembers(accessLevels: [DEVELOPER], userTypes: [HUMAN]) { nodes { user { username } } } }
      }`, 'olivia');
      expect(res.errors).toBeUndefined();
      const members = res.data.group.groupMembers.nodes;
      expect(members[0].userPermissions).toEqual({ __typename: 'GroupMemberPermissions', readGroup: true, createProjects: true, removeGroup: true, viewEditPage: true, createCustomEmoji: true });
      expect(res.data.project.projectMembers.nodes).toEqual([{ user: { username: 'dave' } }]);
      const one = await q(`{ group(fullPath: "acme") { groupMembers(ids: ["${members[0].id}"]) { nodes { id } } } }`, 'olivia');
      expect(one.data.group.groupMembers.nodes).toEqual([{ id: members[0].id }]);
    });

    it('accepts the enum values GitLab added (UserState, GroupPermission, deprecated lower-case sorts)', async () => {
      const res = await q(`{
        users(sort: created_asc, usernames: ["dave"]) { nodes { username } }
        currentUser { groups(permissionScope: IMPORT_PROJECTS) { nodes { fullPath } } }
      }`, 'olivia');
      expect(res.errors).toBeUndefined();
      expect(res.data.users.nodes).toEqual([{ username: 'dave' }]);
      expect(res.data.currentUser.groups.nodes.map((g: { fullPath: string }) => g.fullPath).sort()).toEqual(['acme', 'secret', 'secret/team']);
      const states = await q('{ __type(name: "UserState") { enumValues { name } } }');
      expect(states.data.__type.enumValues.map((v: { name: string }) => v.name).sort()).toEqual(['active', 'banned', 'blocked', 'blocked_pending_approval', 'deactivated', 'ldap_blocked']);
    });

    it('shows admin paths to administrators only', async () => {
      const admin = await h.createUser('root', { admin: true });
      const token = (await h.createPat(admin, ["api"])).secret;
      const asAdmin = await h.gql('{ project(fullPath: "acme/web") { adminEditPath adminShowPath } group(fullPath: "acme") { adminShowPath editPath } }', {}, { token });
      expect(asAdmin.data).toEqual({
        project: { adminEditPath: '/admin/projects/acme/web/edit', adminShowPath: '/admin/projects/acme/web' },
        group: { adminShowPath: '/admin/groups/acme', editPath: '/groups/acme/-/edit' },
      });
      const asOwner = await q('{ project(fullPath: "acme/web") { adminEditPath } }', 'olivia');
      expect(asOwner.data.project.adminEditPath).toBeNull();
      const lists = '{ adminProjects(search: "vault") { count nodes { __typename fullPath } } adminGroups(search: "secret") { count nodes { __typename fullPath } } }';
      const adminLists = await h.gql(lists, {}, { token });
      expect(adminLists.errors).toBeUndefined();
      expect(adminLists.data.adminProjects.nodes).toEqual(expect.arrayContaining([{ __typename: 'Project', fullPath: 'secret/vault' }]));
      expect(adminLists.data.adminGroups.nodes).toEqual(expect.arrayContaining([{ __typename: 'Group', fullPath: 'secret' }]));
      expect((await q(lists, 'olivia')).data).toEqual({ adminProjects: null, adminGroups: null });
    });
  });
});
