import { Event, EVENT_ACTIONS } from '../../src/modules/event/event.entity';
import { Member } from '../../src/modules/member/member.entity';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * List queries must cost a fixed number of SQL statements whatever the page size: every relation a
 * field follows goes through a per-request DataLoader. Each query below runs for a small and a large
 * page; the statement counts must be equal.
 */
describe('SQL statements per list query', () => {
  let h: Harness;
  let counting = false;
  let statements: string[] = [];

  beforeAll(async () => {
    h = await startHarness({
      onQuery: (sql) => {
        if (counting) statements.push(sql);
      },
    });
    const admin = await h.createUser('root', { admin: true });
    const owner = await h.createUser('owner');
    const viewer = await h.createUser('viewer');
    await h.createGroup('big', { visibility: 'internal', owner });
    for (let i = 0; i < 4; i += 1) await h.createGroup(`sub${i}`, { parent: 'big', visibility: 'internal', owner });
    for (let i = 0; i < 40; i += 1) {
      const project = await h.createProject(`p${String(i).padStart(2, '0')}`, `big/sub${i % 4}`, { visibility: i % 3 ? 'internal' : 'private' });
      if (i % 5 === 0) await h.addMember({ project }, viewer, 'developer');
      if (i % 4 === 0) await h.createResourceToken({ project }, { name: `bot${i}` });
    }
    const p00 = (await h.app.services.projects.findByFullPath(h.system(), 'big/sub0/p00'))!;
    for (let i = 0; i < 8; i += 1) await h.addMember({ project: p00 }, await h.createUser(`member${i}`), 'reporter');
    tokens.viewer = (await h.createPat(viewer, ['read_api'])).secret;
    tokens.admin = (await h.createPat(admin, ['api'])).secret;
    tokens.owner = (await h.createPat(owner, ['api'])).secret;
    // First use writes lastUsedAt and lastActivityOn once; count steady-state requests only.
    for (const token of Object.values(tokens)) await h.gql('{ currentUser { id } }', {}, { token });
  });
  afterAll(() => h.close());

  const tokens: Record<string, string> = {};

  /**
   * The large page must cost what the small one costs. Loader batches that run side by side may finish
   * in a different order from one request to the next (PostgreSQL answers asynchronously), which can
   * split one wave of lookups into two: a slack of two statements absorbs that, while a query per row
   * would add one statement per extra row (at least three in every case below).
   */
  function expectNoGrowth(small: number, large: number) {
    expect(large).toBeGreaterThanOrEqual(small - 2);
    expect(large).toBeLessThanOrEqual(small + 2);
  }

  async function countFor(query: string, variables: Record<string, unknown>, token: string): Promise<{ count: number; data: any }> {
    statements = [];
    counting = true;
    const res = await h.gql(query, variables, { token });
    counting = false;
    expect(res.errors).toBeUndefined();
    // Authentication (token lookup and its lastUsedAt write) is per request, not per row.
    return { count: statements.length, data: res.data };
  }

  const PROJECTS = `query($n: Int) { projects(first: $n) { count nodes {
    id fullPath nameWithNamespace visibility maxAccessLevel { stringValue }
    namespace { fullPath } group { fullPath parent { fullPath } } rootGroup { fullPath }
    userPermissions { readProject adminProject pushCode }
  } } }`;

  it.each([
    ['viewer', PROJECTS],
    ['admin', PROJECTS],
  ])('projects with namespaces, groups, roles and permissions (%s)', async (who) => {
    const small = await countFor(PROJECTS, { n: 2 }, tokens[who]);
    const large = await countFor(PROJECTS, { n: 30 }, tokens[who]);
    expect(small.data.projects.nodes).toHaveLength(2);
    expect(large.data.projects.nodes.length).toBeGreaterThanOrEqual(20);
    expectNoGrowth(small.count, large.count);
  });

  it('groups with counts, parents, roles and permissions', async () => {
    const query = `query($n: Int) { groups(first: $n) { nodes {
      id fullPath parent { fullPath } projectsCount descendantGroupsCount groupMembersCount
      maxAccessLevel { integerValue } userPermissions { readGroup createProjects canLeave }
    } } }`;
    const small = await countFor(query, { n: 2 }, tokens.owner);
    const large = await countFor(query, { n: 5 }, tokens.owner);
    expect(large.data.groups.nodes).toHaveLength(5);
    expectNoGrowth(small.count, large.count);
  });

  it('project members with their users and who added them', async () => {
    const query = `query($n: Int) { project(fullPath: "big/sub0/p00") { projectMembers(first: $n, relations: [DIRECT]) { nodes {
      id accessLevel { integerValue } user { username name bot } createdBy { username }
      ... on ProjectMember { project { fullPath } }
    } } } }`;
    const small = await countFor(query, { n: 1 }, tokens.admin);
    const large = await countFor(query, { n: 10 }, tokens.admin);
    expect(large.data.project.projectMembers.nodes).toHaveLength(10);
    expectNoGrowth(small.count, large.count);
  });

  it('member pages read their users only when the client selects user', async () => {
    const query = (fields: string) => `query($n: Int) { project(fullPath: "big/sub0/p00") { projectMembers(first: $n, relations: [DIRECT]) { nodes { ${fields} } } } }`;
    // The first look at the project today records a visit (frecency): made before counting.
    await countFor(query('id'), { n: 10 }, tokens.admin);
    const withUsers = await countFor(query('id user { username }'), { n: 10 }, tokens.admin);
    const without = await countFor(query('id accessLevel { integerValue }'), { n: 10 }, tokens.admin);
    expect(withUsers.data.project.projectMembers.nodes.every((m: any) => m.user.username)).toBe(true);
    // The users are one statement for the whole page, made only for the page that shows them.
    expect(withUsers.count).toBe(without.count + 1);
  });

  it('users with namespaces and membership counts', async () => {
    const query = `query($n: Int) { users(first: $n) { count nodes { username name namespace { fullPath } groupCount projectCount bot } } }`;
    const small = await countFor(query, { n: 1 }, tokens.admin);
    const large = await countFor(query, { n: 20 }, tokens.admin);
    expect(large.data.users.nodes.length).toBeGreaterThan(10);
    expectNoGrowth(small.count, large.count);
  });

  it('resource access tokens with their bot users and roles', async () => {
    const query = `query($n: Int) { group(fullPath: "big") { projects(includeSubgroups: true, first: $n) { nodes { fullPath } } } }`;
    const small = await countFor(query, { n: 1 }, tokens.owner);
    const large = await countFor(query, { n: 40 }, tokens.owner);
    expectNoGrowth(small.count, large.count);
    const tokensQuery = `query($n: Int) { project(fullPath: "big/sub0/p00") { accessTokens(first: $n) { count nodes { name accessLevel { integerValue } user { username name } } } } }`;
    const one = await countFor(tokensQuery, { n: 1 }, tokens.owner);
    expect(one.data.project.accessTokens.count).toBe(1);
  });

  it('nested connections are batched across their parents (projects, members, subgroups of each group)', async () => {
    const query = `query($n: Int) { groups(first: $n) { nodes {
      fullPath
      projects(first: 3, includeSubgroups: true) { count nodes { fullPath } }
      descendantGroups(first: 2) { nodes { fullPath } }
      groupMembers(first: 5) { nodes { user { username } } }
    } } }`;
    // The small page already has a group of each shape (with and without subgroups and members).
    const small = await countFor(query, { n: 2 }, tokens.admin);
    const large = await countFor(query, { n: 5 }, tokens.admin);
    expect(small.data.groups.nodes.some((g: any) => g.groupMembers.nodes.length > 0)).toBe(true);
    expect(large.data.groups.nodes).toHaveLength(5);
    expect(large.data.groups.nodes.every((g: any) => g.projects.nodes.length > 0)).toBe(true);
    expectNoGrowth(small.count, large.count);
  });

  it('nested member and token lists of each project are batched', async () => {
    const query = `query($n: Int) { projects(first: $n, sort: "path_asc") { nodes {
      fullPath
      projectMembers(first: 3) { nodes { user { username } } }
      accessTokens(first: 2) { count nodes { name user { username } } }
    } } }`;
    const small = await countFor(query, { n: 2 }, tokens.admin);
    const large = await countFor(query, { n: 20 }, tokens.admin);
    expect(large.data.projects.nodes).toHaveLength(20);
    expect(large.data.projects.nodes.filter((p: any) => p.accessTokens.count === 1)).toHaveLength(5);
    expectNoGrowth(small.count, large.count);
  });

  it("nested lists of each user (memberships, groups, their own tokens, contributed projects) are batched", async () => {
    // Every project member pushed to their project once (the events the post-receive hook records).
    const now = h.clock.now();
    for (const m of await h.app.dataSource.getRepository(Member).findBy({ sourceType: 'Project' })) {
      await h.app.dataSource.getRepository(Event).insert({ projectId: m.sourceId, authorId: m.userId, action: EVENT_ACTIONS.pushed, targetType: null, targetId: null, createdAt: now, updatedAt: now });
    }
    const query = `query($n: Int) { users(first: $n, sort: CREATED_ASC) { nodes {
      username
      groupMemberships(first: 2) { nodes { id } }
      projectMemberships(first: 2) { nodes { id } }
      groups(first: 2) { nodes { fullPath } }
      personalAccessTokens(first: 2) { count nodes { name } }
      contributedProjects(first: 2, includePersonal: true) { nodes { fullPath } }
    } } }`;
    const small = await countFor(query, { n: 4 }, tokens.admin);
    const large = await countFor(query, { n: 15 }, tokens.admin);
    // Both pages hold users with group and with project memberships, so both load the same kinds of rows.
    for (const page of [small, large]) {
      expect(page.data.users.nodes.some((u: any) => u.groupMemberships.nodes.length > 0)).toBe(true);
      expect(page.data.users.nodes.some((u: any) => u.projectMemberships.nodes.length > 0)).toBe(true);
      expect(page.data.users.nodes.some((u: any) => u.contributedProjects.nodes.length > 0)).toBe(true);
    }
    expect(large.data.users.nodes).toHaveLength(15);
    expectNoGrowth(small.count, large.count);
  });
});
