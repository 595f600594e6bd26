import { startHarness, type Harness } from '../helpers/harness';

/**
 * The granular check adds no statement per row: a fine-grained token reading a list of projects and
 * their members costs the same number of SQL statements for a page of 3 and a page of 30 (the
 * scopes are loaded once with the token, namespaces through the request's loader, memberships once).
 */
describe('SQL statements of a fine-grained token', () => {
  let h: Harness;
  let counting = false;
  let statements: string[] = [];
  let token = '';

  beforeAll(async () => {
    h = await startHarness({ onQuery: (sql) => void (counting && statements.push(sql)) });
    const owner = await h.createUser('owner');
    const group = await h.createGroup('big', { owner });
    for (let i = 0; i < 3; i += 1) await h.createGroup(`sub${i}`, { parent: 'big' });
    for (let i = 0; i < 30; i += 1) await h.createProject(`p${String(i).padStart(2, '0')}`, `big/sub${i % 3}`);
    const issued = await h.app.services.tokens.createGranular(h.as(owner), owner, {
      name: 'lister',
      granularScopes: [{ access: 'selected_memberships', permissions: ['read_group', 'read_project', 'read_member'], resources: [{ kind: 'group', group }] }],
    });
    token = issued.secret;
    await h.gql('{ group(fullPath: "big") { id } }', {}, { token });
  });
  afterAll(() => h.close());

  async function count(first: number): Promise<number> {
    statements = [];
    counting = true;
    const res = await h.gql(
      `query($n: Int) { group(fullPath: "big") { projects(includeSubgroups: true, first: $n) { nodes { fullPath namespace { fullPath }
        projectMembers { nodes { id } } } } } }`,
      { n: first },
      { token },
    );
    counting = false;
    expect(res.errors).toBeUndefined();
    expect(res.data.group.projects.nodes).toHaveLength(first);
    return statements.length;
  }

  it('does not grow with the page', async () => {
    const small = await count(3);
    const large = await count(30);
    // Two statements of slack for loader waves that split differently (as in test/perf/sql-counts.test.ts).
    expect(large).toBeLessThanOrEqual(small + 2);
  });
});
