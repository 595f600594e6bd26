import { startHarness, type Harness } from '../helpers/harness';

/**
 * REST lists cost a fixed number of SQL statements whatever the page size: the serializers follow
 * relations (a member's user and creator, a token's bot membership, a project's namespace) through
 * the request's DataLoaders, as GraphQL does.
 */
describe('SQL statements per REST list', () => {
  let h: Harness;
  let counting = false;
  let statements: string[] = [];
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness({
      onQuery: (sql) => {
        if (counting) statements.push(sql);
      },
    });
    const owner = await h.createUser('owner');
    const root = await h.createUser('root', { admin: true });
    await h.createGroup('big', { visibility: 'internal', owner });
    const project = await h.createProject('app', 'big', { visibility: 'internal' });
    for (let i = 0; i < 12; i += 1) await h.addMember({ project }, await h.createUser(`member${i}`), 'reporter');
    for (let i = 0; i < 12; i += 1) await h.createResourceToken({ project }, { name: `bot${i}` });
    for (let i = 0; i < 12; i += 1) await h.createProject(`p${i}`, 'big', { visibility: 'internal' });
    tokens.owner = (await h.createPat(owner, ['api'])).secret;
    tokens.root = (await h.createPat(root, ['api'])).secret;
    for (const token of Object.values(tokens)) await h.rest('GET', '/user', token);
  });
  afterAll(() => h.close());

  async function count(url: string, token: string): Promise<{ count: number; rows: number }> {
    statements = [];
    counting = true;
    const response = await h.request({ url, headers: { 'private-token': token } });
    counting = false;
    expect(response.status).toBe(200);
    return { count: statements.length, rows: response.body.length };
  }

  it.each([
    ['/api/v4/projects/big%2Fapp/members/all', 'owner'],
    ['/api/v4/projects/big%2Fapp/members', 'owner'],
    ['/api/v4/projects/big%2Fapp/access_tokens', 'owner'],
    ['/api/v4/personal_access_tokens', 'root'],
    ['/api/v4/projects', 'owner'],
  ])('%s costs the same for 2 rows as for 12', async (path, who) => {
    const sep = path.includes('?') ? '&' : '?';
    const small = await count(`${path}${sep}per_page=2`, tokens[who]);
    const large = await count(`${path}${sep}per_page=12`, tokens[who]);
    expect(large.rows).toBeGreaterThan(small.rows);
    expect(large.count).toBeLessThanOrEqual(small.count + 2);
  });
});
