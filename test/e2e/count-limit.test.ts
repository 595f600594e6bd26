import { startHarness, type Harness } from '../helpers/harness';

/**
 * `count(limit:)` on the countable connections, as GitLab has it: the exact count without a limit,
 * otherwise at most `limit + 1`, read from a limited subquery, for one list, for nested lists paged
 * together (counts grouped by parent), and for lists of many parents run as one UNION ALL.
 *
 *   g1 (public; 3 projects), g2 (public; 1 project), g3 (public; none): ann owns all three, ben is in g2.
 */
describe('count(limit:)', () => {
  let h: Harness;
  let counting = false;
  let statements: string[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness({ onQuery: (sql) => (counting ? statements.push(sql) : undefined) });
    const ann = await h.createUser('ann');
    const ben = await h.createUser('ben');
    for (const path of ['g1', 'g2', 'g3']) await h.createGroup(path, { visibility: 'public', owner: ann });
    for (const [path, group] of [['a', 'g1'], ['b', 'g1'], ['c', 'g1'], ['d', 'g2']]) await h.createProject(path, group, { visibility: 'public' });
    await h.addMember({ group: (await h.app.services.groups.findByFullPath(h.system(), 'g2'))! }, ben, 'developer');
    tokens.ann = (await h.createPat(ann, ['read_api'])).secret;
    // Another user's groups are shown to that user and administrators only (GitLab's read_user_groups).
    tokens.admin = (await h.createPat(await h.createUser('ada', { admin: true }), ['read_api'])).secret;
    await h.gql('{ currentUser { id } }', {}, { token: tokens.ann });
  });
  afterAll(() => h.close());

  async function run(query: string, as: 'ann' | 'admin' = 'ann') {
    statements = [];
    counting = true;
    const res = await h.gql(query, {}, { token: tokens[as] });
    counting = false;
    return res;
  }

  it('answers the exact count without a limit, and at most limit + 1 with one', async () => {
    const res = await run('{ projects { count c1: count(limit: 1) c3: count(limit: 3) c4: count(limit: 4) c9: count(limit: 9) } }');
    expect(res.errors).toBeUndefined();
    expect(res.data.projects).toEqual({ count: 4, c1: 2, c3: 4, c4: 4, c9: 4 });
    // Read from a limited subquery (for a signed-in viewer, one per disjoint part of the visibility rule).
    expect(statements.some((s) => /SELECT COUNT\(\*\) FROM \(.* LIMIT 2\) part_0/s.test(s))).toBe(true);
  });

  it('counts each parent of a nested list apart, grouped by parent, limited per parent', async () => {
    const res = await run('{ groups(sort: "id_asc") { nodes { fullPath projects { count c1: count(limit: 1) c2: count(limit: 2) } } } }');
    expect(res.errors).toBeUndefined();
    const byPath = Object.fromEntries(res.data.groups.nodes.map((n: any) => [n.fullPath, n.projects]));
    expect(byPath).toEqual({
      g1: { count: 3, c1: 2, c2: 3 },
      g2: { count: 1, c1: 1, c2: 1 },
      g3: { count: 0, c1: 0, c2: 0 },
    });
    // One statement per limit for all the groups, not one per group.
    expect(statements.filter((s) => /batch_counted/.test(s))).toHaveLength(2);
  });

  it('counts lists of many parents run side by side (a user\u2019s groups)', async () => {
    const res = await run('{ users(search: "") { nodes { username groups { count c1: count(limit: 1) } } } }', 'admin');
    expect(res.errors).toBeUndefined();
    const byUser = Object.fromEntries(res.data.users.nodes.map((n: any) => [n.username, n.groups]));
    expect(byUser.ann).toEqual({ count: 3, c1: 2 });
    expect(byUser.ben).toEqual({ count: 1, c1: 1 });
  });

  it('refuses a limit below 1 with an error and answers the rest of the query', async () => {
    const res = await run('{ projects { count(limit: 0) } group(fullPath: "g1") { fullPath } }');
    expect(res.errors?.[0].message).toBe('limit must be greater than 0');
    expect(res.data.group).toEqual({ fullPath: 'g1' });
    const negative = await run('{ projects { count(limit: -5) } }');
    expect(negative.errors?.[0].message).toBe('limit must be greater than 0');
  });

  it("leaves group and namespace project lists as they are with includeSiblingProjects (GitLab applies it to a project's own namespace only)", async () => {
    const res = await run(`{
      a: group(fullPath: "g1") { projects { nodes { fullPath } } }
      b: group(fullPath: "g1") { projects(includeSiblingProjects: true) { count nodes { fullPath } } }
      c: namespace(fullPath: "g2") { projects(includeSiblingProjects: true) { nodes { fullPath } } }
      d: namespace(fullPath: "g1/a") { id }
    }`);
    expect(res.errors).toBeUndefined();
    expect(res.data.b.projects.nodes).toEqual(res.data.a.projects.nodes);
    expect(res.data.b.projects.count).toBe(3);
    expect(res.data.c.projects.nodes).toEqual([{ fullPath: 'g2/d' }]);
    // A project's path names no namespace in Labgate.
    expect(res.data.d).toBeNull();
  });
});
