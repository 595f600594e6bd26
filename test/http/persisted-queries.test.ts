import { createHash } from 'node:crypto';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * Issue 20: Apollo's automatic persisted queries over GET, as Apollo Client's persisted-query link
 * sends them with `useGETForHashedQueries` (the hash in `extensions` in the query string, the text only
 * when the server asks for it), answered as Apollo Server answers them: not found, registered, found,
 * and a hash that does not match its text. A stored query goes through Labgate's checks as if it had
 * been sent in full (limits per caller, no mutation over GET).
 */
describe('persisted queries', () => {
  let h: Harness;
  let token: string;
  const sha = (text: string) => createHash('sha256').update(text).digest('hex');
  const extensions = (text: string) => JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha(text) } });
  const get = (params: Record<string, string>, headers: Record<string, string> = {}) =>
    h.request({ method: 'GET', url: `/api/graphql?${new URLSearchParams(params)}`, headers });

  beforeAll(async () => {
    h = await startHarness();
    const root = await h.createUser('root', { admin: true });
    token = (await h.createPat(root, ['api'])).secret;
    await h.createGroup('acme', { visibility: 'public', owner: root });
    await h.createProject('web', 'acme', { visibility: 'public' });
  });
  afterAll(() => h.close());

  it('asks for the text of a hash it does not know, in Apollo Server words and status', async () => {
    const query = 'query Unknown { currentUser { username } }';
    const res = await get({ operationName: 'Unknown', extensions: extensions(query) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
  });

  it('stores a query sent with its hash, then runs it by hash alone over GET', async () => {
    const query = 'query Web($p: ID!) { project(fullPath: $p) { fullPath } }';
    const variables = JSON.stringify({ p: 'acme/web' });
    const first = await get({ operationName: 'Web', variables, extensions: extensions(query) });
    expect(first.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    // The link's second try: the same GET with the text.
    const register = await get({ query, operationName: 'Web', variables, extensions: extensions(query) });
    expect(register.body).toEqual({ data: { project: { fullPath: 'acme/web' } } });
    const byHash = await get({ operationName: 'Web', variables, extensions: extensions(query) }, { authorization: `Bearer ${token}` });
    expect(byHash.status).toBe(200);
    expect(byHash.body).toEqual({ data: { project: { fullPath: 'acme/web' } } });
  });

  it('refuses a hash that does not match the text, with 400 as Apollo Server does', async () => {
    const res = await get({
      query: '{ currentUser { username } }',
      extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha('{ somethingElse }') } }),
    });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'provided sha does not match query', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
  });

  it('refuses extensions that are not JSON', async () => {
    const res = await get({ query: '{ __typename }', extensions: '{not json' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ errors: [{ message: 'The extensions search parameter contains invalid JSON.' }] });
  });

  it('runs no stored mutation over GET (registered over POST, then named by hash)', async () => {
    const mutation = 'mutation Echo { echoCreate(input: { messages: ["hi"] }) { echoes } }';
    const posted = await h.request({
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: mutation, extensions: JSON.parse(extensions(mutation)) }),
    });
    expect(posted.body.errors).toBeUndefined();
    const res = await get({ operationName: 'Echo', extensions: extensions(mutation) }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ errors: [{ message: 'Mutations are forbidden in GET requests' }] });
  });

  it('checks a stored query against the limits of whoever names it', async () => {
    // Over the anonymous depth limit (15) and within the signed-in one (20).
    const deep = `{ projects(first: 1) { nodes { group { ${'parent { '.repeat(12)}id${' }'.repeat(12)} } } } }`;
    const posted = await h.request({
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: deep, extensions: JSON.parse(extensions(deep)) }),
    });
    expect(posted.body.errors).toBeUndefined();
    const anonymous = await get({ extensions: extensions(deep) });
    expect(anonymous.body.errors.map((e: { message: string }) => e.message)).toEqual([expect.stringMatching(/^Query has depth of 16, which exceeds max depth of 15$/)]);
  });
});
