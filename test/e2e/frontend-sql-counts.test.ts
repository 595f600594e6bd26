import { startHarness, type Harness } from '../helpers/harness';

/**
 * Issue 11's list fields cost a fixed number of SQL statements whatever the page size: stars, forks,
 * topics, deletion and archive states, statuses and the nested `starredProjects`/`visibleForks` lists
 * all go through per-request DataLoaders or batched pages.
 */
describe('SQL statements of the issue 11 fields', () => {
  let h: Harness;
  let counting = false;
  let statements: string[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness({ onQuery: (sql) => void (counting && statements.push(sql)) });
    const owner = await h.createUser('owner', { admin: true });
    await h.createGroup('big', { visibility: 'public', owner });
    await h.createGroup('sub', { parent: 'big', visibility: 'public', owner });
    const fans = [];
    for (let i = 0; i < 6; i += 1) fans.push(await h.createUser(`fan${i}`));
    const system = h.system();
    for (let i = 0; i < 30; i += 1) {
      const path = `p${String(i).padStart(2, '0')}`;
      await h.createProject(path, i % 2 ? 'big' : 'big/sub', { visibility: 'public' });
      const full = i % 2 ? `big/${path}` : `big/sub/${path}`;
      await h.app.services.topics.setProjectTopics(system, full, [`t${i % 3}`, 'shared']);
      const project = (await h.app.services.projects.findByFullPath(system, full))!;
      for (const fan of fans.slice(0, (i % 4) + 1)) await h.app.services.projectFeatures.star(h.as(fan), project.id, true);
      if (i % 3 === 0) await h.app.services.projectFeatures.fork(h.as(fans[i % 6]), full, fans[i % 6].username, { path: `fork-${path}` });
    }
    await h.app.services.users.setStatus(h.as(fans[0]), fans[0], { message: 'hi', emoji: null, availability: 'busy', clearAt: null });
    tokens.owner = (await h.createPat(owner, ['api'])).secret;
    await h.gql('{ currentUser { id } }', {}, { token: tokens.owner });
  });
  afterAll(() => h.close());

  function expectNoGrowth(small: number, large: number) {
    expect(large).toBeGreaterThanOrEqual(small - 2);
    expect(large).toBeLessThanOrEqual(small + 2);
  }

  async function countFor(query: string, n: number): Promise<{ count: number; data: any }> {
    statements = [];
    counting = true;
    const res = await h.gql(query, { n }, { token: tokens.owner });
    counting = false;
    expect(res.errors).toBeUndefined();
    return { count: statements.length, data: res.data };
  }

  it('projects with stars, forks, topics, deletion and archive states', async () => {
    const query = `query($n: Int) { projects(first: $n, sort: "path_asc") { nodes {
      fullPath starCount forksCount topics tagList archived isForked forkedFrom { fullPath }
      markedForDeletion permanentDeletionDate forkingAccessLevel { stringValue } descriptionHtml editPath
      visibleForks(first: 3) { nodes { fullPath starCount } }
      forkTargets(first: 3) { nodes { fullPath } }
    } } }`;
    const small = await countFor(query, 2);
    const large = await countFor(query, 40);
    expect(large.data.projects.nodes.length).toBeGreaterThan(30);
    expect(large.data.projects.nodes.some((p: { forksCount: number }) => p.forksCount > 0)).toBe(true);
    expectNoGrowth(small.count, large.count);
  });

  it('users with their status and starred projects', async () => {
    const query = `query($n: Int) { users(first: $n, sort: CREATED_ASC) { nodes { username status { message availability } starredProjects(first: 5) { count nodes { fullPath starCount topics } } } } }`;
    // The first users (the owner, then fans who starred) have starred projects in both pages.
    const small = await countFor(query, 3);
    const large = await countFor(query, 7);
    expect(large.data.users.nodes.length).toBe(7);
    expectNoGrowth(small.count, large.count);
  });

  it('groups with archive and deletion states and their root', async () => {
    const query = `query($n: Int) { groups(first: $n) { count nodes { fullPath archived markedForDeletion rootNamespace { fullPath } descendantGroups(archived: false) { nodes { fullPath } } } } }`;
    const small = await countFor(query, 1);
    const large = await countFor(query, 10);
    expectNoGrowth(small.count, large.count);
  });

  it('topics', async () => {
    const small = await countFor('query($n: Int) { topics(first: $n) { nodes { id name title descriptionHtml } } }', 1);
    const large = await countFor('query($n: Int) { topics(first: $n) { nodes { id name title descriptionHtml } } }', 4);
    expect(large.data.topics.nodes.map((t: { name: string }) => t.name)).toEqual(['shared', 't0', 't1', 't2']);
    expectNoGrowth(small.count, large.count);
  });
});
