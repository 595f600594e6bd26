import { parse, getOperationAST } from 'graphql';
import * as graphqlValues from 'graphql/execution/values';
import { analyzeOperation } from '../../src/graphql/complexity';
import { isTimeoutError } from '../../src/core/errors';
import { usingPostgres } from '../helpers/database';
import { LIST_FIELD_ESTIMATES } from '../../src/graphql/limits';
import { REQUEST_TIMED_OUT } from '../../src/core/limits';
import { ASSIGNABLE_PERMISSIONS } from '../../src/auth/granular-permissions';
import { seedCrowd } from '../helpers/crowd';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * Requests an attacker would send to exhaust the server, on an instance of 20 public groups of 50
 * projects with 30 users who belong to every group. Each is refused before any SQL runs, or answered
 * within its budget.
 */
describe('requests are bounded before they run', () => {
  let h: Harness;
  const statements: string[] = [];
  let counting = false;

  beforeAll(async () => {
    h = await startHarness({ onQuery: (sql) => counting && statements.push(sql) });
    await seedCrowd(h, { groups: 20, projectsPerGroup: 50, users: 30 });
  });
  afterAll(() => h.close());

  /** Runs a request and returns its answer with the SQL statements it ran. */
  async function measure<T>(send: () => Promise<T>): Promise<{ result: T; sql: number }> {
    statements.length = 0;
    counting = true;
    try {
      const result = await send();
      return { result, sql: statements.length };
    } finally {
      counting = false;
    }
  }

  /**
   * How many field nodes an analysis visits (each visit reads the field's arguments once): work is
   * counted, not timed, so that a busy machine cannot fail the test.
   */
  function fieldsVisited<T>(analyse: () => T): { result: T; fields: number } {
    const spy = jest.spyOn(graphqlValues, 'getArgumentValues');
    try {
      const result = analyse();
      return { result, fields: spy.mock.calls.length };
    } finally {
      spy.mockRestore();
    }
  }

  const NESTED = '{ projects { nodes { projectMembers { nodes { user { groupMemberships { nodes { group { projects { nodes { id } } } } } } } } } } }';
  const nodeError = expect.stringMatching(/^Query may return \d+ nodes, which exceeds max nodes of 50000$/);

  it('refuses the four nested connections without `first` that exhausted memory, before any SQL', async () => {
    const { result, sql } = await measure(() => h.gql(NESTED));
    expect(result.status).toBe(200);
    expect(result.data).toBeUndefined();
    expect(result.errors).toEqual([{ message: 'Query may return 102020100 nodes, which exceeds max nodes of 50000', extensions: { code: 'QUERY_LIMIT_EXCEEDED' } }]);
    expect(sql).toBe(0);
  });

  it('answers a document that is both invalid and over the limits with its validation error, as graphql-ruby does', async () => {
    const invalid = NESTED.replace('{ id }', '{ id nope }');
    const { result, sql } = await measure(() => h.gql(invalid));
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors?.[0].message).toContain('nope');
    expect(sql).toBe(0);
    // The same document once corrected is refused by the node limit, also when sent again (cached).
    for (let i = 0; i < 2; i += 1) expect((await h.gql(NESTED)).errors?.[0].extensions?.code).toBe('QUERY_LIMIT_EXCEEDED');
  });

  it('refuses it with `first: 30` at each level, and with page sizes given as variables', async () => {
    const literal = NESTED.replace(/(projects|projectMembers|groupMemberships) \{/g, '$1(first: 30) {');
    const { result, sql } = await measure(() => h.gql(literal));
    expect(result.errors?.map((e) => e.message)).toEqual(['Query may return 865830 nodes, which exceeds max nodes of 50000']);
    expect(sql).toBe(0);

    const withVariables = `query($n: Int) ${NESTED.replace(/(projects|projectMembers|groupMemberships) \{/g, '$1(first: $n) {')}`;
    const byVariable = await measure(() => h.gql(withVariables, { n: 30 }));
    expect(byVariable.result.errors?.map((e) => e.message)).toEqual([nodeError]);
    expect(byVariable.sql).toBe(0);
  });

  it('counts every alias and every fragment spread', async () => {
    // Each alias alone is 10,100 nodes; six of them pass the limit.
    const one = 'projects { nodes { projectMembers { nodes { id } } } }';
    const aliases = `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: ${one}`).join(' ')} }`;
    const { result, sql } = await measure(() => h.gql(aliases, undefined, { token: undefined }));
    expect(result.errors?.map((e) => e.message)).toEqual(['Query may return 60600 nodes, which exceeds max nodes of 50000']);
    expect(sql).toBe(0);

    const fragments = `query { ...A ...B }
      fragment M on Project { projectMembers { nodes { id user { id } } } }
      fragment A on Query { x: projects { nodes { ...M } } y: projects { nodes { ...M } } }
      fragment B on Query { z: projects { nodes { ...M } } }`;
    const viaFragments = await measure(() => h.gql(fragments));
    expect(viaFragments.result.errors?.map((e) => e.message)).toEqual(['Query may return 60300 nodes, which exceeds max nodes of 50000']);
    expect(viaFragments.sql).toBe(0);
  });

  it('shares one limit across the operations of a batch', async () => {
    // 9,090 nodes each: five fit, the sixth would pass 50,000.
    const query = '{ projects(first: 90) { nodes { projectMembers(first: 100) { nodes { id } } } } }';
    const res = await h.request({
      method: 'POST',
      url: '/api/graphql',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Array.from({ length: 8 }, () => ({ query }))),
    });
    expect(res.status).toBe(200);
    const messages = (res.body as Array<{ errors?: Array<{ message: string }> }>).map((r) => r.errors?.[0]?.message ?? 'ok');
    expect(messages).toEqual([
      'ok',
      'ok',
      'ok',
      'ok',
      'ok',
      'Batch may return 54540 nodes, which exceeds max nodes of 50000',
      'Batch may return 54540 nodes, which exceeds max nodes of 50000',
      'Batch may return 54540 nodes, which exceeds max nodes of 50000',
    ]);
  });

  it("lets GitLab's frontend shape through: two nested connections at the default page size", async () => {
    const { result } = await measure(() =>
      h.gql(`query { projects { nodes { id fullPath projectMembers { nodes { id accessLevel { integerValue } user { id username } } } } } }`),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.projects.nodes).toHaveLength(100);
    expect(result.data.projects.nodes[0].projectMembers.nodes).toHaveLength(30);
  });

  it('analyses a document whose fragments each spread the previous one twice in milliseconds', async () => {
    const levels = 24;
    const fragments = ['fragment F0 on Query { __typename }'];
    for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
    const text = `query { ...F${levels} } ${fragments.join(' ')}`;
    expect(text.length).toBeLessThan(1_100);

    const document = parse(text);
    const { result: cost, fields } = fieldsVisited(() => analyzeOperation(h.app.schema, document, getOperationAST(document)!));
    // One visit of the one field: each fragment is analysed once, not once per spread (2^24 times).
    expect(fields).toBe(1);
    // The score still grows as the answer would: 2^24 `__typename` fields.
    expect(cost.complexity).toBe(2 ** levels);

    const { result, sql } = await measure(() => h.gql(text));
    expect(result.errors?.map((e) => e.message)).toEqual([`Query has complexity of ${2 ** levels}, which exceeds max complexity of 200`]);
    expect(sql).toBe(0);
  });

  it('analyses any document of up to 10,000 characters quickly, however its fragments nest', async () => {
    // Fragments of many fields each, every one spreading all the earlier ones.
    const fragments: string[] = [];
    for (let i = 0; i < 40; i++) {
      const spreads = Array.from({ length: i }, (_, j) => `...G${j}`).join(' ');
      fragments.push(`fragment G${i} on Query { a${i}: __typename ${spreads} }`);
    }
    const text = `query { ...G39 } ${fragments.join(' ')}`;
    expect(text.length).toBeLessThan(10_000);
    const document = parse(text);
    const { fields } = fieldsVisited(() => analyzeOperation(h.app.schema, document, getOperationAST(document)!));
    expect(fields).toBe(40); // each field of the document once, however often its fragment is spread
  });

  it("lets a token list with its granular scopes and their permissions through (the README's query)", async () => {
    // A scope's permissions are distinct names from the catalogue, and a token holds a few scopes:
    // counted at those sizes, a page of 50 tokens is under the limit (at 100 items each, even the README's
    // page of one token was refused: 1,020,101 nodes for a page of 100).
    expect(ASSIGNABLE_PERMISSIONS.length).toBeLessThanOrEqual(LIST_FIELD_ESTIMATES['AccessTokenGranularScope.permissions']);
    const text =
      '{ currentUser { personalAccessTokens(first: 50) { nodes { granular scopes { ... on AccessTokenGranularScope { access namespace { fullPath } permissions { name } } } } } } }';
    const document = parse(text);
    expect(analyzeOperation(h.app.schema, document, getOperationAST(document)!).nodes).toBe(1 + 50 * (1 + 10 * (1 + 1 + LIST_FIELD_ESTIMATES['AccessTokenGranularScope.permissions'])));
    const { result } = await measure(() => h.gql(text));
    expect(result.errors).toBeUndefined();
  });

  it('keeps the limits of GitLab: depth and complexity messages are unchanged', async () => {
    const nested = '{ projects(first: 1) { nodes { group { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } } } } } } } } } } }';
    const res = await h.gql(nested);
    expect(res.errors?.map((e) => e.message)).toEqual(['Query has depth of 17, which exceeds max depth of 15']);
  });

  it('holds memory steady under a stream of refused attacks', async () => {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) await h.gql(NESTED.replace('id', `id${i % 2 ? '' : ' __typename'}`));
    global.gc?.();
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(100 * 1024 * 1024);
  });
});

const CALM_BUDGET_MS = 60_000;
const STRAINED_BUDGET_MS = 500;

describe('the request deadline', () => {
  let h: Harness;
  let slow = false;
  let statements = 0;

  beforeAll(async () => {
    // Every statement takes 50 ms of real time while `slow` is set: a database under strain. The
    // budget is then 500 ms; unhurried requests get a minute, so a busy machine cannot time them out.
    h = await startHarness({
      config: { requestTimeoutMs: CALM_BUDGET_MS },
      onQuery: () => {
        statements += 1;
        if (!slow) return;
        const until = Date.now() + 50;
        while (Date.now() < until);
      },
    });
    await seedCrowd(h, { groups: 3, projectsPerGroup: 20, users: 5 });
  });
  afterAll(() => h.close());

  /**
   * The unhurried runs that count a request's statements get a budget they cannot run out of on a
   * busy machine: SQLite's statements take turns with the timer, so the deadline now fires during
   * the work (before, it could only fire once the work was done).
   */
  async function unhurried<T>(run: () => Promise<T>): Promise<T> {
    const budget = h.config.requestTimeoutMs;
    h.config.requestTimeoutMs = 60_000;
    try {
      return await run();
    } finally {
      h.config.requestTimeoutMs = budget;
    }
  }

  it("answers 503 with GitLab's message when the budget runs out, and the rest of the work stops", async () => {
    const operations = Array.from({ length: 20 }, (_, i) => ({ query: `{ group(fullPath: "crowd-${i % 3}") { projects { nodes { id } } } }` }));
    const send = () => h.request({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify(operations) });

    // Unhurried (once warm), the batch runs every statement it needs.
    await unhurried(send);
    statements = 0;
    expect((await unhurried(send)).status).toBe(200);
    const whole = statements;

    slow = true;
    h.app.config.requestTimeoutMs = STRAINED_BUDGET_MS;
    try {
      statements = 0;
      const res = await send();
      const answeredAfter = statements;
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ errors: [{ message: REQUEST_TIMED_OUT }] });
      // Answered when the budget ran out, not when the work was done (statements, not a stopwatch).
      expect(answeredAfter).toBeLessThan(whole);

      // The work left behind stops at its next field or operation instead of running to the end.
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(statements).toBeLessThan(whole / 2);
    } finally {
      slow = false;
      h.app.config.requestTimeoutMs = CALM_BUDGET_MS;
    }
  });

  it('stops the fields of a single operation too once the budget has run out (Apollo runs it on a copy of the context)', async () => {
    // Twenty root fields whose pages differ, so that each level costs twenty statements, and the
    // levels below wait for those above: the budget runs out during the first level.
    const fields = Array.from(
      { length: 20 },
      (_, i) => `g${i}: group(fullPath: "crowd-${i % 3}") { projects(first: ${i + 1}) { nodes { projectMembers(first: 2) { nodes { user { groupMemberships(first: 2) { nodes { id } } } } } } } }`,
    );
    const query = `{ ${fields.join(' ')} }`;
    await unhurried(() => h.gql(query));
    statements = 0;
    const calm = await unhurried(() => h.gql(query));
    expect(calm.errors).toBeUndefined();
    const whole = statements;

    slow = true;
    h.app.config.requestTimeoutMs = STRAINED_BUDGET_MS;
    try {
      statements = 0;
      const res = await h.request({ method: 'POST', url: '/api/graphql', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      expect(res.status).toBe(503);
      // Fields already waiting on the database finish their statement; the levels below them do not start.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(statements).toBeLessThan(whole);
    } finally {
      slow = false;
      h.app.config.requestTimeoutMs = CALM_BUDGET_MS;
    }
  });

  it('answers normally within the budget', async () => {
    const res = await h.gql('{ group(fullPath: "crowd-0") { projects { nodes { id } } } }');
    expect(res.status).toBe(200);
    expect(res.data.group.projects.nodes).toHaveLength(20);
  });
});

describe('the response size cap', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { maxResponseBytes: 2_000 } });
    await seedCrowd(h, { groups: 1, projectsPerGroup: 40, users: 1 });
  });
  afterAll(() => h.close());

  it('refuses an answer larger than the cap and sends small ones', async () => {
    const big = await h.gql('{ projects { nodes { id fullPath name } } }');
    expect(big.status).toBe(200);
    expect(big.data).toBeUndefined();
    expect(big.errors).toEqual([{ message: 'Response too large: more than 2000 bytes', extensions: { code: 'RESPONSE_TOO_LARGE' } }]);
    expect((await h.gql('{ projects(first: 2) { nodes { id } } }')).data.projects.nodes).toHaveLength(2);
  });
});

describe('the database enforces the deadline too', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ config: { requestTimeoutMs: 300 } });
  });
  afterAll(() => h.close());

  (usingPostgres() ? it : it.skip)('PostgreSQL cancels a statement that outlives the request budget, and that counts as a timeout', async () => {
    const error = await h.app.dataSource.query('SELECT pg_sleep(2)').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).not.toBeNull();
    expect(isTimeoutError(error)).toBe(true);
  });
});
