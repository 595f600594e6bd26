import { getIntrospectionQuery, getOperationAST, parse } from 'graphql';
import { analyzeOperation } from '../../src/graphql/complexity';
import { IntrospectionCache } from '../../src/graphql/introspection-cache';
import { seedCrowd } from '../helpers/crowd';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * The second round of attacks on the request limits (issue 18): introspection batches, batches of
 * heavy project pages, the response cap across a batch, and variables nested thousands of levels.
 * Each test sends the attacker's document (sized down where the instance is small) and asserts what
 * the server counted and answered, never how long it took: the timings live in `npm run bench`.
 */

/** Three aliases of every type through one fragment, as in the report (about 300 characters). */
const TYPE_FRAGMENT =
  'fragment T on __Type{name kind description fields(includeDeprecated:true){name description args{name type{name kind ofType{name kind}}} type{name kind ofType{name kind}}} inputFields{name type{name}} enumValues{name} interfaces{name} possibleTypes{name}}';
const INTROSPECTION_ATTACK = `query{a:__schema{types{...T}}b:__schema{types{...T}}c:__schema{types{...T}}}${TYPE_FRAGMENT}`;

/** Objects (not scalars) in a JSON value: what the node limit counts. */
function objectsIn(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + objectsIn(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  return 1 + Object.values(value).reduce((sum: number, v) => sum + objectsIn(v), 0);
}

type BatchReply = Array<{ data?: unknown; errors?: Array<{ message: string }> }>;

describe('introspection is bounded like any other field', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const batch = (query: string, n: number) =>
    h.request({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify(Array.from({ length: n }, () => ({ query }))) });

  it('counts the objects an introspection answer really holds as nodes', async () => {
    const query = '{ __schema { types { name fields(includeDeprecated: true) { name args(includeDeprecated: true) { name } } } } }';
    const document = parse(query);
    const cost = analyzeOperation(h.app.schema, document, getOperationAST(document)!);
    const answer = await h.gql(query);
    expect(answer.errors).toBeUndefined();
    // Every type, field and argument, and the `__schema` object itself: the estimate is the answer.
    expect(cost.nodes).toBe(objectsIn(answer.data.__schema));
    expect(cost.nodes).toBeGreaterThan(1_000);
  });

  it('still answers the standard introspection query anonymously, with every option on', async () => {
    for (const query of [getIntrospectionQuery(), getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true })]) {
      const res = await h.gql(query);
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      expect(res.data.__schema.types.length).toBeGreaterThan(100);
    }
  });

  it('answers the 20-operation introspection batch with only the operations that fit the shared budget', async () => {
    const single = await h.gql(INTROSPECTION_ATTACK);
    expect(single.errors).toBeUndefined();
    const oneAnswer = JSON.stringify(single.body).length;

    const res = await batch(INTROSPECTION_ATTACK, 20);
    expect(res.status).toBe(200);
    const replies = res.body as BatchReply;
    expect(replies).toHaveLength(20);
    const answered = replies.filter((r) => !r.errors).length;
    // The complexity of the batch is summed (96 per operation, 240 allowed to introspection): two run.
    expect(answered).toBe(2);
    for (const reply of replies.slice(answered)) {
      expect(reply.errors?.map((e) => e.message)).toEqual([expect.stringMatching(/^Query has complexity of \d+, which exceeds max complexity of 240$/)]);
      expect(reply.data).toBeUndefined();
    }
    // 29 MB before; now two answers and eighteen short errors.
    expect(res.text.length).toBeLessThan(2 * oneAnswer + 20 * 200);
  });

  it('refuses introspection past the node limit, however few fields the document names', async () => {
    // Each alias is three objects per field of the schema: 25 of them pass 50,000 nodes, well within complexity.
    const aliases = Array.from({ length: 25 }, (_, i) => `a${i}: __schema { types { fields(includeDeprecated: true) { type { ofType { name } } } } }`).join(' ');
    const res = await h.gql(`{ ${aliases} }`);
    expect(res.data).toBeUndefined();
    expect(res.errors?.map((e) => e.message)).toEqual([expect.stringMatching(/^Query may return \d+ nodes, which exceeds max nodes of 50000$/)]);
  });

  it('holds introspection to the depth limit (graphql-ruby counts introspection fields)', async () => {
    const ofTypes = (n: number): string => (n === 0 ? 'name' : `ofType { ${ofTypes(n - 1)} }`);
    const res = await h.gql(`{ __schema { types { fields { type { ${ofTypes(11)} } } } } }`);
    expect(res.errors?.map((e) => e.message)).toEqual(['Query has depth of 16, which exceeds max depth of 15']);
  });

  it('computes the answer to an introspection document once per schema', async () => {
    const query = '{ __schema { queryType { name } types { name kind } } }';
    const schema = h.app.schema;
    const typeMap = jest.spyOn(schema, 'getTypeMap');
    try {
      const first = await h.gql(query, undefined, { operationName: undefined });
      const afterFirst = typeMap.mock.calls.length;
      expect(afterFirst).toBeGreaterThan(0);
      const again = await Promise.all([h.gql(query), h.gql(query), h.gql(query, undefined, { method: 'GET' })]);
      // Served from the cache: the schema's types were not listed again.
      expect(typeMap.mock.calls.length).toBe(afterFirst);
      for (const res of again) expect(res.body).toEqual(first.body);
    } finally {
      typeMap.mockRestore();
    }
  });

  it('keeps the introspection cache within its entry and byte bounds', () => {
    const cache = new IntrospectionCache(3, 100);
    for (let i = 0; i < 5; i++) cache.set(`k${i}`, 'x'.repeat(10));
    expect(cache.size).toBe(3);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k4')).toBe('x'.repeat(10));
    cache.set('big', 'y'.repeat(90));
    // 90 + 10 (k4, the most recently read) fit; the others went first.
    expect(cache.get('big')).toBeDefined();
    expect(cache.get('k4')).toBeDefined();
    expect(cache.get('k3')).toBeUndefined();
    cache.set('huge', 'z'.repeat(101));
    expect(cache.get('huge')).toBeUndefined();
  });
});

describe('a batch shares one complexity budget and one response cap', () => {
  let h: Harness;
  const statements: string[] = [];
  let counting = false;

  beforeAll(async () => {
    h = await startHarness({ onQuery: (sql) => counting && statements.push(sql) });
    await seedCrowd(h, { groups: 2, projectsPerGroup: 60, users: 3 });
  });
  afterAll(() => h.close());

  /** Five aliases of a full page of projects with stars, forks, permissions and topics, as in the report (20 fit in 10,000 characters). */
  const HEAVY_PAGE = `{${Array.from({ length: 5 }, (_, i) => `p${i}:projects(first:100){nodes{id starCount forksCount topics userPermissions{adminProject}}}`).join(' ')}}`;

  it('runs only the heavy project pages that fit one budget of 200 in a 20-operation anonymous batch', async () => {
    statements.length = 0;
    counting = true;
    const res = await h.request({
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 20 }, () => ({ query: HEAVY_PAGE }))),
    });
    counting = false;
    expect(res.status).toBe(200);
    const replies = res.body as BatchReply;
    // Each operation costs 80 of the anonymous 200: two run, the other eighteen are refused.
    expect(replies.filter((r) => !r.errors).map((r) => Object.keys(r.data as object).length)).toEqual([5, 5]);
    expect(replies[2].errors?.map((e) => e.message)).toEqual(['Query has complexity of 240, which exceeds max complexity of 200']);
    expect(replies[19].errors?.map((e) => e.message)).toEqual(['Query has complexity of 240, which exceeds max complexity of 200']);
    // The statements of two operations, not twenty.
    const inBatch = statements.length;
    statements.length = 0;
    counting = true;
    await h.gql(HEAVY_PAGE);
    counting = false;
    expect(inBatch).toBe(2 * statements.length);
  });

  it('sums small operations too, as graphql-ruby sums a multiplex', async () => {
    const query = '{ projects(first: 10) { nodes { id name } } }';
    const res = await h.request({
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 20 }, () => ({ query }))),
    });
    const replies = res.body as BatchReply;
    // 4 each: all twenty fit in 200.
    expect(replies.every((r) => !r.errors)).toBe(true);
  });
});

describe('the response cap covers a whole batch', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { maxResponseBytes: 2_500 } });
    await seedCrowd(h, { groups: 1, projectsPerGroup: 30, users: 1 });
  });
  afterAll(() => h.close());

  it('refuses the operation whose answer would take the batch past the cap, and answers smaller ones after it', async () => {
    const page = '{ projects(first: 20) { nodes { id fullPath } } }';
    const small = '{ projects(first: 1) { nodes { id } } }';
    const one = (await h.gql(page)).body;
    const size = JSON.stringify(one).length;
    expect(size).toBeLessThan(2_500);
    expect(2 * size).toBeGreaterThan(2_500);

    const res = await h.request({
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: page }, { query: page }, { query: small }]),
    });
    const replies = res.body as BatchReply;
    expect(replies[0]).toEqual(one);
    expect(replies[1]).toEqual({ errors: [{ message: 'Response too large: more than 2500 bytes', extensions: { code: 'RESPONSE_TOO_LARGE' } }] });
    expect(replies[2].errors).toBeUndefined();
    expect(res.text.length).toBeLessThan(2_500 + 200);
  });
});

describe('variables nested thousands of levels deep', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { logErrors: true } });
  });
  afterAll(() => h.close());

  const nested = (levels: number) => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);

  it('refuses a body nested 5,000 levels as Ruby\'s JSON parser does (400), logging nothing', async () => {
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const body = `{"query":"query($v: String) { echo(text: $v) }","variables":{"v":${nested(5_000)}}}`;
      const res = await h.request({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json' }, body });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ errors: [{ message: 'Request body is not valid JSON' }] });
      // In a batch, and in `extensions`, the same.
      const inBatch = await h.request({
        method: 'POST',
        url: '/api/graphql',
        headers: { 'content-type': 'application/json' },
        body: `[{"query":"{ __typename }"},{"query":"{ __typename }","extensions":${nested(5_000)}}]`,
      });
      expect(inBatch.status).toBe(400);
      // In the query string of a GET: GitLab's `Variables::Invalid`, 422.
      const get = await h.request({ method: 'GET', url: `/api/graphql?query=${encodeURIComponent('{ __typename }')}&variables=${encodeURIComponent(nested(5_000))}` });
      expect(get.status).toBe(422);
      expect(get.body).toEqual({ errors: [{ message: 'Variables are not valid JSON' }] });
      expect(logged).not.toHaveBeenCalled();
    } finally {
      logged.mockRestore();
    }
  });

  it('accepts 100 levels, Ruby\'s own limit, and answers as for any wrong variable', async () => {
    const body = `{"query":"query($v: String!) { echo(text: $v) }","variables":{"v":${nested(99)}}}`;
    const res = await h.request({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    expect(res.body.errors[0].message).toBe('Variable $v of type String! was provided invalid value');
  });
});

describe('a heavy request does not hold the event loop for its whole duration (SQLite takes turns)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await seedCrowd(h, { groups: 4, projectsPerGroup: 100, users: 3 });
  });
  afterAll(() => h.close());

  it('answers `{ __typename }` sent after a heavy page request before that request is done', async () => {
    const pages = `{${Array.from({ length: 5 }, (_, i) => `p${i}:projects(first:100){nodes{id starCount forksCount topics userPermissions{adminProject}}}`).join(' ')}}`;
    const order: string[] = [];
    const heavy = h
      .request({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: pages }) })
      .then((res) => {
        order.push('heavy');
        return res;
      });
    // Sent once the heavy request has begun its statements.
    await new Promise((resolve) => setImmediate(resolve));
    const small = h.gql('{ __typename }').then((res) => {
      order.push('small');
      return res;
    });
    const [heavyRes, smallRes] = await Promise.all([heavy, small]);
    expect(Object.keys(heavyRes.body.data)).toHaveLength(5);
    expect(smallRes.data).toEqual({ __typename: 'Query' });
    expect(order).toEqual(['small', 'heavy']);
  });
});
