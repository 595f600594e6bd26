import { useHarness } from '../helpers/harness';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { User } from '../../src/modules/user/user.entity';

/**
 * Nested lists are paged for all their parents in one statement (a window per parent). Whatever the
 * batching, each parent's page, cursors, `hasNextPage` and `count` must be what that parent alone
 * answers: this compares every nested list of a group tree with the same list asked parent by parent.
 */
describe('nested pages of many parents answer as each parent alone', () => {
  const h = useHarness();
  let owner: User;
  let viewer: User;
  let viewerToken: string;
  let adminToken: string;

  const GROUP_FIELDS = `
    fullPath
    withSubgroups: projects(first: 2, includeSubgroups: true) {
      count pageInfo { hasNextPage endCursor }
      nodes { fullPath projectMembers(first: 2) { pageInfo { hasNextPage endCursor } nodes { id accessLevel { integerValue } } } }
    }
    direct: projects(first: 2) { count pageInfo { hasNextPage endCursor } nodes { fullPath } }
    groupMembers(first: 2) { pageInfo { hasNextPage endCursor } nodes { id accessLevel { integerValue } } }
    below: descendantGroups(first: 2) { pageInfo { hasNextPage endCursor } nodes { fullPath } }
    children: descendantGroups(first: 2, includeParentDescendants: false) { pageInfo { hasNextPage } nodes { fullPath } }`;

  beforeAll(async () => {
    owner = await h.createUser('owner');
    viewer = await h.createUser('viewer');
    const admin = await h.createUser('root', { admin: true });
    viewerToken = (await h.createPat(viewer, ['read_api'])).secret;
    adminToken = (await h.createPat(admin, ['read_api'])).secret;

    // A tree of groups of every visibility, projects at every level, and members at several levels
    // (some users in a group and in one of its projects, with different roles).
    const groups = new Map<string, Namespace>([['top', await h.createGroup('top', { visibility: 'public', owner })]]);
    const layout: Array<[string, string, string]> = [
      ['a', 'top', 'public'],
      ['b', 'top', 'internal'],
      ['c', 'top', 'private'],
      ['x', 'top/a', 'public'],
      ['y', 'top/a/x', 'private'],
      ['z', 'top/b', 'internal'],
    ];
    for (const [path, parent, visibility] of layout) groups.set(`${parent}/${path}`, await h.createGroup(path, { parent, visibility, owner }));
    const people: User[] = [];
    for (let i = 0; i < 10; i++) people.push(await h.createUser(`person${i}`));
    await h.addMember({ group: groups.get('top/a') }, viewer, 'reporter');
    // A project is at most as visible as its group.
    const levels = ['private', 'internal', 'public'];
    const visibility: Record<string, string> = { top: 'public', ...Object.fromEntries(layout.map(([path, parent, v]) => [`${parent}/${path}`, v])) };
    let n = 0;
    for (const [ns, group] of groups) {
      await h.addMember({ group }, people[n], ['guest', 'developer', 'maintainer'][n % 3]);
      for (let i = 0; i < 3; i++) {
        const project = await h.createProject(`p${i}`, ns, { visibility: levels[Math.min((n + i) % 3, levels.indexOf(visibility[ns]))] });
        await h.addMember({ project }, people[7 + ((n + i) % 3)], ['reporter', 'owner', 'guest'][(n + i) % 3]);
        // The group's own member again, above any role inherited: listed once, with the project's role.
        if (i === 0) await h.addMember({ project }, people[n], 'owner');
      }
      n += 1;
    }
  });

  const viewers = () => [
    ['anonymous', undefined],
    ['a member of one subgroup', viewerToken],
    ['an administrator', adminToken],
  ] as const;

  it('lists what each group holds (an administrator sees everything)', async () => {
    const all = await h.gql(`{ group(fullPath: "top") { descendantGroups(first: 20) { nodes { ${GROUP_FIELDS} } } } }`, undefined, { token: adminToken });
    const groups = all.data.group.descendantGroups.nodes as Array<any>;
    const paths = ['top/a', 'top/b', 'top/c', 'top/a/x', 'top/a/x/y', 'top/b/z'];
    expect(groups.map((g) => g.fullPath).sort()).toEqual([...paths].sort());
    for (const group of groups) {
      const below = paths.filter((p) => p.startsWith(`${group.fullPath}/`));
      expect(group.direct.count).toBe(3);
      expect(group.withSubgroups.count).toBe(3 * (1 + below.length));
      for (const project of group.withSubgroups.nodes) expect(project.fullPath.startsWith(`${group.fullPath}/`)).toBe(true);
      for (const sub of group.below.nodes) expect(below).toContain(sub.fullPath);
      expect(group.below.nodes).toHaveLength(Math.min(2, below.length));
    }
  });

  it.each([0, 1, 2])('for each viewer (%i): descendant groups with their projects, members and subgroups', async (which) => {
    const [, token] = viewers()[which];
    const all = await h.gql(`{ group(fullPath: "top") { descendantGroups(first: 20) { nodes { ${GROUP_FIELDS} } } } }`, undefined, { token });
    expect(all.errors).toBeUndefined();
    const groups = all.data.group.descendantGroups.nodes as Array<{ fullPath: string }>;
    expect(groups.length).toBeGreaterThan(1);
    for (const group of groups) {
      const alone = await h.gql(`{ group(fullPath: "${group.fullPath}") { ${GROUP_FIELDS} } }`, undefined, { token });
      expect(alone.errors).toBeUndefined();
      expect(group).toEqual(alone.data.group);
    }
  });

  it("every project's members, sorted by role, asked through the group: each as its own project answers", async () => {
    const together = await h.gql(
      `{ group(fullPath: "top") { projects(first: 50, includeSubgroups: true) { nodes { fullPath
          projectMembers(first: 2, relations: [DIRECT, INHERITED], sort: ACCESS_LEVEL_DESC) { pageInfo { hasNextPage endCursor } nodes { id user { username } accessLevel { integerValue } } } } } } }`,
      undefined,
      { token: adminToken },
    );
    expect(together.data.group.projects.nodes).toHaveLength(21);
    for (const project of together.data.group.projects.nodes) {
      const alone = await h.gql(
        `{ project(fullPath: "${project.fullPath}") { projectMembers(first: 2, relations: [DIRECT, INHERITED], sort: ACCESS_LEVEL_DESC) {
            pageInfo { hasNextPage endCursor } nodes { id user { username } accessLevel { integerValue } } } } }`,
        undefined,
        { token: adminToken },
      );
      expect(project.projectMembers).toEqual(alone.data.project.projectMembers);
      // And the members themselves, against the REST API's list (paged by offset from a query of its
      // own): each user once, with their best role.
      const rest = await h.rest('GET', `/projects/${encodeURIComponent(project.fullPath)}/members/all?per_page=100`, adminToken);
      const best = [...(rest.body as Array<{ username: string; access_level: number }>)].sort((a, b) => b.access_level - a.access_level || a.username.localeCompare(b.username));
      const shown = project.projectMembers.nodes.map((m: { user: { username: string }; accessLevel: { integerValue: number } }) => [m.user.username, m.accessLevel.integerValue]);
      for (const [username, level] of shown) expect(best.find((m) => m.username === username)?.access_level).toBe(level);
    }
  });
});
