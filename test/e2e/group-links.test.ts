import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { DEVELOPER, GUEST, OWNER, REPORTER } from '../../src/policy/access-level';
import { useHarness } from '../helpers/harness';

/**
 * Group links over GraphQL and the `labgate` command: `Group.sharedGroups`, `Group.sharedProjects`
 * (GitLab's frontend documents for the group page's "Shared" tabs, without the fields of areas Labgate
 * does not implement), `shareWithGroupLock`, and `labgate projects|groups share|unshare`.
 *
 *   acme (public, owner olivia)        acme/web (private), acme/tool (private), acme/pub (public)
 *   team (private, owner tina; dave Developer, gus Guest)
 *   hub (private, owner olivia)
 *   team is invited into acme/web (Maintainer), acme/tool (Reporter), acme/pub (Guest), and into the
 *   group hub (Reporter)
 */
describe('group links over GraphQL and the command line', () => {
  const h = useHarness();
  const users: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  let team: Namespace;
  const projects: Record<string, Project> = {};

  const q = (query: string, who: string | null, variables?: Record<string, unknown>) => h.gql(query, variables, who ? { token: tokens[who] } : {});

  beforeAll(async () => {
    for (const name of ['olivia', 'tina', 'dave', 'gus', 'mallory']) {
      users[name] = await h.createUser(name);
      tokens[name] = (await h.createPat(users[name], ['api'])).secret;
    }
    await h.createGroup('acme', { owner: users.olivia, visibility: 'public' });
    await h.createGroup('hub', { owner: users.olivia });
    team = await h.createGroup('team', { owner: users.tina });
    await h.addMember({ group: team }, users.dave, DEVELOPER);
    await h.addMember({ group: team }, users.gus, GUEST);
    await h.addMember({ group: team }, users.olivia, GUEST);
    projects.web = await h.createProject('web', 'acme');
    projects.tool = await h.createProject('tool', 'acme');
    projects.pub = await h.createProject('pub', 'acme', { visibility: 'public' });
  });

  it('shares with the command line, with GitLab-shaped refusals that change nothing', async () => {
    const share = (...args: string[]) => h.cli([...args]);
    let res = await share('projects', 'share', '--project', 'acme/web', '--group', 'team', '--max-access-level', 'maintainer', '--as', 'olivia');
    expect([res.code, res.out.trim()]).toEqual([0, 'Shared project acme/web with group team (Maintainer)']);
    res = await share('projects', 'share', '--project', 'acme/tool', '--group', 'team', '--max-access-level', 'reporter', '--expires-at', '2026-03-01', '--json');
    expect(res.code).toBe(0);
    expect(res.json).toMatchObject({ project: 'acme/tool', group: 'team', groupAccess: REPORTER, expiresAt: '2026-03-01' });
    res = await share('projects', 'share', '--project', 'acme/pub', '--group', 'team', '--max-access-level', 'guest');
    expect(res.code).toBe(0);
    res = await share('groups', 'share', '--group', 'hub', '--with', 'team', '--max-access-level', 'reporter', '--as', 'olivia');
    expect([res.code, res.out.trim()]).toEqual([0, 'Shared group hub with group team (Reporter)']);

    // Refusals: the same share twice, a bad role, a caller who may not; none writes anything.
    const links = () => h.app.dataSource.query('SELECT COUNT(*) AS n FROM project_group_links').then((r: Array<{ n: unknown }>) => Number(r[0].n));
    const before = await links();
    res = await share('projects', 'share', '--project', 'acme/web', '--group', 'team', '--max-access-level', 'developer');
    expect([res.code, res.err.trim()]).toEqual([1, 'labgate: Project already shared with this group']);
    res = await share('projects', 'share', '--project', 'acme/web', '--group', 'team', '--max-access-level', 'boss');
    expect(res.code).toBe(2);
    res = await share('projects', 'share', '--project', 'acme/web', '--group', 'acme', '--max-access-level', 'guest', '--as', 'dave');
    expect([res.code, res.err.trim()]).toEqual([1, 'labgate: Not Found']);
    expect(await links()).toBe(before);
  });

  it('gives the members of the invited group the capped role (userPermissions follow)', async () => {
    const res = await q(
      `{ web: project(fullPath: "acme/web") { maxAccessLevel { integerValue } userPermissions { pushCode adminProject } }
         tool: project(fullPath: "acme/tool") { maxAccessLevel { integerValue } userPermissions { pushCode } }
         hub: group(fullPath: "hub") { maxAccessLevel { integerValue } } }`,
      'dave',
    );
    expect(res.data).toEqual({
      web: { maxAccessLevel: { integerValue: DEVELOPER }, userPermissions: { pushCode: true, adminProject: false } },
      tool: { maxAccessLevel: { integerValue: REPORTER }, userPermissions: { pushCode: false } },
      hub: { maxAccessLevel: { integerValue: REPORTER } },
    });
  });

  it('lets a Maintainer through a share create project access tokens, up to that role, and not a Developer through it', async () => {
    const create = (who: string, level: string) =>
      q(
        `mutation { projectAccessTokenCreate(input: { projectPath: "acme/web", name: "ci", scopes: ["read_api"], accessLevel: ${level} }) { token errors } }`,
        who,
      );
    const maintainer = await create('tina', 'MAINTAINER');
    expect(maintainer.data.projectAccessTokenCreate.errors).toEqual([]);
    expect(maintainer.data.projectAccessTokenCreate.token).toMatch(/^glpat-/);
    const owner = await create('tina', 'OWNER');
    expect(owner.data.projectAccessTokenCreate.token).toBeNull();
    const developer = await create('dave', 'DEVELOPER');
    expect(developer.errors?.[0].message ?? developer.data.projectAccessTokenCreate.errors[0]).toMatch(/permission|does not exist/);
    // The new token's bot is a member of the project itself, and reaches nothing through the share.
    const bot = await h.gql(
      `{ web: project(fullPath: "acme/web") { maxAccessLevel { integerValue } } tool: project(fullPath: "acme/tool") { id } }`,
      {},
      { token: maintainer.data.projectAccessTokenCreate.token },
    );
    expect(bot.data).toEqual({ web: { maxAccessLevel: { integerValue: 40 } }, tool: null });
  });

  it('counts a share as membership for fine-grained tokens (a scope on a project reached through it)', async () => {
    const granted = await h.cli(['tokens', 'create', '--user', 'dave', '--name', 'fg', '--granular', 'project:acme/web=read_project', '--token-only']);
    expect(granted.code).toBe(0);
    const read = await h.gql(`{ project(fullPath: "acme/web") { fullPath } }`, {}, { token: granted.out.trim() });
    expect(read.data.project).toEqual({ fullPath: 'acme/web' });
    const refused = await h.cli(['tokens', 'create', '--user', 'mallory', '--name', 'fg', '--granular', 'project:acme/web=read_project']);
    expect(refused.code).toBe(1);
  });

  it("answers GitLab's shared groups document: the groups this group was invited into (case 22)", async () => {
    const DOCUMENT = `
      fragment PageInfo on PageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      fragment Group on Group {
        id name fullName fullPath webUrl avatarUrl
        userPermissions { removeGroup viewEditPage }
        editPath parent { id } descriptionHtml descendantGroupsCount projectsCount groupMembersCount
        visibility createdAt updatedAt maxAccessLevel { integerValue }
        archived isSelfArchived markedForDeletion isSelfDeletionInProgress isSelfDeletionScheduled permanentDeletionDate
      }
      query sharedGroupsQuery($fullPath: ID!, $first: Int, $last: Int, $before: String, $after: String, $sort: GroupSort, $search: String) {
        group(fullPath: $fullPath) {
          id
          sharedGroups(first: $first, last: $last, before: $before, after: $after, sort: $sort, search: $search) {
            nodes { ...Group }
            pageInfo { ...PageInfo }
            count
          }
        }
      }`;
    const asTina = await q(DOCUMENT, 'tina', { fullPath: 'team', first: 20, sort: 'NAME_ASC' });
    expect(asTina.errors).toBeUndefined();
    expect(asTina.data.group.sharedGroups.nodes.map((n: { fullPath: string }) => n.fullPath)).toEqual(['hub']);
    expect(asTina.data.group.sharedGroups.count).toBe(1);
    expect(asTina.data.group.sharedGroups.nodes[0].maxAccessLevel.integerValue).toBe(REPORTER);
    // Someone who cannot read the invited group sees nothing of it at all.
    const asMallory = await q(DOCUMENT, 'mallory', { fullPath: 'team' });
    expect(asMallory.data.group).toBeNull();
  });

  it("answers GitLab's shared projects document, and minAccessLevel counts the capped role (case 24)", async () => {
    const DOCUMENT = `
      fragment PageInfo on PageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      fragment Project on Project {
        id name fullPath webUrl avatarUrl editPath archived isSelfArchived topics forksCount starCount visibility
        descriptionHtml createdAt updatedAt lastActivityAt maxAccessLevel { integerValue }
        markedForDeletion isSelfDeletionInProgress isSelfDeletionScheduled permanentDeletionDate
      }
      query sharedProjectsQuery($fullPath: ID!, $first: Int, $last: Int, $before: String, $after: String, $sort: String, $search: String, $min: AccessLevelEnum) {
        group(fullPath: $fullPath) {
          id
          sharedProjects(first: $first, last: $last, before: $before, after: $after, sort: $sort, search: $search, minAccessLevel: $min) {
            nodes { ...Project }
            pageInfo { ...PageInfo }
            count
          }
        }
      }`;
    const paths = (res: { data: any }) => res.data.group.sharedProjects.nodes.map((n: { fullPath: string }) => n.fullPath);
    const all = await q(DOCUMENT, 'dave', { fullPath: 'team', sort: 'name_asc' });
    expect(all.errors).toBeUndefined();
    expect(paths(all)).toEqual(['acme/pub', 'acme/tool', 'acme/web']);
    expect(all.data.group.sharedProjects.count).toBe(3);
    expect(paths(await q(DOCUMENT, 'dave', { fullPath: 'team', min: 'DEVELOPER' }))).toEqual(['acme/web']);
    expect(paths(await q(DOCUMENT, 'dave', { fullPath: 'team', min: 'REPORTER', sort: 'name_asc' }))).toEqual(['acme/tool', 'acme/web']);
    // A Guest of the invited group: Guest everywhere (the lower of the two).
    expect(paths(await q(DOCUMENT, 'gus', { fullPath: 'team', min: 'REPORTER' }))).toEqual([]);
    // Administrators read every group; the public project shows to anyone who can read the group.
    const root = await h.createUser('root', { admin: true });
    tokens.root = (await h.createPat(root, ['api'])).secret;
    expect(paths(await q(DOCUMENT, 'root', { fullPath: 'team', search: 'pub' }))).toEqual(['acme/pub']);
  });

  it('locks sharing below a group, and a subgroup cannot lift its parent lock (case 25)', async () => {
    const sub = await h.createGroup('sub', { parent: 'acme' });
    await h.addMember({ group: sub }, users.tina, OWNER);
    let res = await h.cli(['groups', 'update', '--group', 'acme', '--share-with-group-lock', 'true', '--as', 'olivia']);
    expect(res.code).toBe(0);
    const locks = await q(`{ acme: group(fullPath: "acme") { shareWithGroupLock } sub: group(fullPath: "acme/sub") { shareWithGroupLock } }`, 'olivia');
    expect(locks.data).toEqual({ acme: { shareWithGroupLock: true }, sub: { shareWithGroupLock: true } });
    // The lock ends what project links granted.
    const web = await q(`{ project(fullPath: "acme/web") { id } }`, 'dave');
    expect(web.data.project).toBeNull();
    res = await h.cli(['groups', 'update', '--group', 'acme/sub', '--share-with-group-lock', 'false', '--as', 'tina']);
    expect(res.code).toBe(1);
    expect(res.err).toContain('parent group');
    res = await h.cli(['groups', 'update', '--group', 'acme/sub', '--share-with-group-lock', 'false', '--as', 'olivia']);
    expect(res.code).toBe(0);
    res = await h.cli(['groups', 'update', '--group', 'acme', '--share-with-group-lock', 'false']);
    expect(res.code).toBe(0);
    expect((await q(`{ project(fullPath: "acme/web") { id } }`, 'dave')).data.project).not.toBeNull();
  });

  it('lists the members a share brings, at the lower of the two roles (case 22), and at level 0 under the lock (case 23)', async () => {
    const members = (res: { data: any }, at: 'group' | 'project') =>
      Object.fromEntries(
        res.data[at][at === 'group' ? 'groupMembers' : 'projectMembers'].nodes.map((n: any) => [n.user.username, n.accessLevel.integerValue]),
      );
    const shared = await q(`{ group(fullPath: "hub") { groupMembers(relations: [SHARED_FROM_GROUPS]) { nodes { user { username } accessLevel { integerValue } } } } }`, 'tina');
    expect(shared.errors).toBeUndefined();
    expect(members(shared, 'group')).toEqual({ tina: REPORTER, dave: REPORTER, gus: GUEST, olivia: GUEST });
    const both = await q(`{ group(fullPath: "hub") { groupMembers(relations: [DIRECT, SHARED_FROM_GROUPS]) { nodes { user { username } accessLevel { integerValue } } } } }`, 'tina');
    expect(members(both, 'group')).toEqual({ tina: REPORTER, dave: REPORTER, gus: GUEST, olivia: OWNER });
    const query = `{ project(fullPath: "acme/tool") { projectMembers(relations: [INVITED_GROUPS]) { nodes { user { username } accessLevel { integerValue } } } } }`;
    expect(members(await q(query, 'olivia'), 'project')).toEqual({ tina: REPORTER, dave: REPORTER, gus: GUEST, olivia: GUEST });
    await h.cli(['groups', 'update', '--group', 'acme', '--share-with-group-lock', 'true']);
    expect(members(await q(query, 'olivia'), 'project')).toEqual({ tina: 0, dave: 0, gus: 0, olivia: 0 });
    await h.cli(['groups', 'update', '--group', 'acme', '--share-with-group-lock', 'false']);
  });

  it('unshares with the command line', async () => {
    let res = await h.cli(['projects', 'unshare', '--project', 'acme/web', '--group', 'team']);
    expect([res.code, res.out.trim()]).toEqual([0, 'Project acme/web is no longer shared with group team']);
    expect((await q(`{ project(fullPath: "acme/web") { id } }`, 'dave')).data.project).toBeNull();
    res = await h.cli(['projects', 'unshare', '--project', 'acme/web', '--group', 'team']);
    expect([res.code, res.err.trim()]).toEqual([1, 'labgate: Group Link Not Found']);
    res = await h.cli(['groups', 'unshare', '--group', 'hub', '--with', 'team', '--as', 'dave']);
    expect(res.code).toBe(1);
    res = await h.cli(['groups', 'unshare', '--group', 'hub', '--with', 'team']);
    expect([res.code, res.out.trim()]).toEqual([0, 'Group hub is no longer shared with group team']);
    expect((await q(`{ group(fullPath: "hub") { id } }`, 'dave')).data.group).toBeNull();
  });
});
