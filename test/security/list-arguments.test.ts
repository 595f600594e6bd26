import { startHarness, type Harness } from '../helpers/harness';

/**
 * List arguments (issue 18): a topic filter is one statement whatever its length (it held a
 * PostgreSQL connection until the statement timeout with 300 topics), and every list argument is
 * capped with GitLab's wording before any SQL runs (past SQL's own limits they answered "Internal
 * server error"). Runs on SQLite and PostgreSQL.
 */
describe('list arguments', () => {
  let h: Harness;
  const statements: string[] = [];
  let counting = false;

  beforeAll(async () => {
    h = await startHarness({ onQuery: (sql) => counting && statements.push(sql) });
    await h.createGroup('tg', { visibility: 'public' });
    const topics: Record<string, string> = { alpha: 'Alpha, beta', beta: 'beta', gamma: 'alpha,Beta,gamma', none: '' };
    for (const [path, list] of Object.entries(topics)) {
      await h.createProject(path, 'tg', { visibility: 'public' });
      await h.cli(['projects', 'update', '--project', `tg/${path}`, '--topics', list]);
    }
  });
  afterAll(() => h.close());

  async function counted<T>(send: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
    statements.length = 0;
    counting = true;
    try {
      const result = await send();
      return { result, sql: [...statements] };
    } finally {
      counting = false;
    }
  }

  const paths = (res: { data: any }) => (res.data.projects.nodes as Array<{ fullPath: string }>).map((p) => p.fullPath).sort();
  const TOPICS = 'query($t: [String!]) { projects(topics: $t) { count nodes { fullPath } } }';

  it('finds the projects carrying every topic, whatever the case, ignoring repeats and blanks', async () => {
    expect(paths(await h.gql(TOPICS, { t: ['alpha'] }))).toEqual(['tg/alpha', 'tg/gamma']);
    expect(paths(await h.gql(TOPICS, { t: ['ALPHA', 'Beta'] }))).toEqual(['tg/alpha', 'tg/gamma']);
    expect(paths(await h.gql(TOPICS, { t: ['alpha', 'alpha ', ' ALPHA', 'beta', 'gamma', ''] }))).toEqual(['tg/gamma']);
    expect(paths(await h.gql(TOPICS, { t: ['alpha', 'nothing'] }))).toEqual([]);
    expect((await h.gql(TOPICS, { t: ['alpha', 'beta'] })).data.projects.count).toBe(2);
  });

  it('runs the same statements for 100 topics as for one: the names are one parameter', async () => {
    const one = await counted(() => h.gql(TOPICS, { t: ['beta'] }));
    // The report's 300 copies of "t", sized to the cap: 100 names, of which one matters.
    const many = await counted(() => h.gql(TOPICS, { t: [...Array.from({ length: 99 }, () => 't'), 'beta'] }));
    expect(paths(many.result)).toEqual([]);
    expect(many.sql.length).toBe(one.sql.length);
    // The same statement texts: nothing in them grows with the list.
    expect(many.sql).toEqual(one.sql);
    const distinct = await counted(() => h.gql(TOPICS, { t: Array.from({ length: 100 }, (_, i) => `topic-${i}`) }));
    expect(distinct.sql).toEqual(one.sql);
  });

  it('refuses a list past 100 values with GitLab\'s wording, before any SQL', async () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [TOPICS, { t: Array.from({ length: 300 }, () => 't') }, 'You cannot provide more than 100 topics.'],
      ['query($ids: [ID!]) { projects(ids: $ids) { nodes { id } } }', { ids: Array.from({ length: 32_767 }, (_, i) => `gid://gitlab/Project/${i + 1}`) }, 'You cannot provide more than 100 ids.'],
      ['query($u: [String!]) { users(usernames: $u) { nodes { id } } }', { u: Array.from({ length: 32_767 }, (_, i) => `u${i}`) }, 'You cannot provide more than 100 usernames.'],
      ['query($ids: [ID!]) { users(ids: $ids) { nodes { id } } }', { ids: Array.from({ length: 101 }, (_, i) => `gid://gitlab/User/${i + 1}`) }, 'You cannot provide more than 100 ids.'],
      ['query($p: [String!]) { projects(fullPaths: $p) { nodes { id } } }', { p: Array.from({ length: 51 }, (_, i) => `tg/p${i}`) }, 'You cannot provide more than 50 full paths.'],
      ['query($ids: [ID!]) { group(fullPath: "tg") { projects(ids: $ids) { nodes { id } } } }', { ids: Array.from({ length: 101 }, (_, i) => `gid://gitlab/Project/${i + 1}`) }, 'You cannot provide more than 100 ids.'],
    ];
    for (const [query, variables, message] of cases) {
      const { result, sql } = await counted(() => h.gql(query, variables));
      expect(result.status).toBe(200);
      expect(result.errors?.map((e) => e.message)).toEqual([message]);
      // Nothing read from the tables the list would filter (a group is read before its projects' arguments are looked at).
      expect(sql.filter((s) => /\b(projects|users)\b/.test(s))).toEqual([]);
    }
  });

  it('caps lists inside mutation inputs too, changing nothing', async () => {
    const root = await h.createUser('list-root', { admin: true });
    const { secret: token } = await h.createPat(root, ['api']);
    const res = await h.gql('mutation($m: [String!]) { echoCreate(input: { messages: $m }) { echoes errors } }', { m: Array.from({ length: 101 }, () => 'x') }, { token });
    expect(res.data.echoCreate).toBeNull();
    expect(res.errors?.map((e) => e.message)).toEqual(['You cannot provide more than 100 messages.']);
  });

  it('REST: `?topic=` is one statement too, and more than 100 topics is a 400', async () => {
    const found = await h.request({ url: '/api/v4/projects?topic=beta,ALPHA' });
    expect(found.status).toBe(200);
    expect((found.body as Array<{ path_with_namespace: string }>).map((p) => p.path_with_namespace).sort()).toEqual(['tg/alpha', 'tg/gamma']);
    const one = await counted(() => h.request({ url: '/api/v4/projects?topic=t0' }));
    const many = await counted(() => h.request({ url: `/api/v4/projects?topic=${Array.from({ length: 100 }, (_, i) => `t${i}`).join(',')}` }));
    expect(one.result.body).toEqual([]);
    expect(many.result.body).toEqual([]);
    expect(many.sql).toEqual(one.sql);
    const tooMany = await h.request({ url: `/api/v4/projects?topic=${Array.from({ length: 101 }, (_, i) => `t${i}`).join(',')}` });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toEqual({ error: 'You cannot provide more than 100 topics.' });
  });
});
