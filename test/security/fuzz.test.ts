/**
 * Issue 7: a property-based sweep of malformed and adversarial requests (fast-check). Whatever is sent
 * (strings with null bytes, lone surrogates, TypeORM's `:name` syntax, quotes and LIKE wildcards; ids
 * that are negative, fractional, 2^31, 2^53 or 400 digits long; cursors of any shape; variables of the
 * wrong type; bodies that are not JSON at all), Labgate answers without an internal error:
 * - no HTTP 500;
 * - no GraphQL error with `extensions.code: INTERNAL_SERVER_ERROR` or the masked "Internal server error";
 * - stored data unchanged: a digest of every table is the same after the read-only sweeps, and a
 *   mutation that is refused leaves it as it was.
 *
 * Runs on SQLite and, with `DATABASE_URL=postgres://...`, on PostgreSQL (which refuses far more than
 * SQLite: 32-bit overflow in integer columns, U+0000 in text). A failure prints fast-check's seed and
 * the shrunk counterexample; `FUZZ_SEED=<seed>` replays it, `FUZZ_RUNS=<factor>` scales the run counts.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import type { User } from '../../src/modules/user/user.entity';
import { startHarness, type GqlResult, type Harness } from '../helpers/harness';
import {
  CREATE_GROUP_TOKEN,
  CREATE_PAT,
  CREATE_PROJECT_TOKEN,
  GROUP_UPDATE,
  REVOKE_PAT,
  REVOKE_PROJECT_TOKEN,
  ROTATE_PAT,
  ROTATE_PROJECT_TOKEN,
  seedWorld,
  type World,
} from '../e2e/access-tokens/fixtures';

const FACTOR = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (n: number) => Math.max(1, Math.round(n * FACTOR));
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const settings = (numRuns: number) => ({ numRuns: runs(numRuns), ...(SEED === undefined ? {} : { seed: SEED }) });

// ---------------------------------------------------------------------------------------------
// Generators

/** Pieces that have broken SQL builders, LIKE patterns, Unicode handling or PostgreSQL before. */
const FRAGMENTS = [
  ':ids', ':name', ':search', ':...ids', ':simTerm', ':pgA0', '$1', '?', "'", "''", '"', '`', '%', '_', '\\', '\\%',
  '\u0000', '\u0000\u0000', '--', '/*', '*/', ';', "' OR '1'='1", "'); DROP TABLE projects; --", 'gid://gitlab/Project/1',
  '\uD800', '\uDC00', '😀', 'İ', 'ß', 'ǅ', '\u202E', '\uFEFF', ' ', '\t\n', 'g1', 'g1/p', 'p', '..', '/', '../..',
];

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ unit: 'binary', maxLength: 6 })), { maxLength: 6 }).map((parts) => parts.join('')) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'x'.repeat(256), '😀'.repeat(256), '\u0000'.repeat(64)) },
);

/** The id part of a global ID: plausible, out of range, or not a number at all. */
const idText: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 40 }).map(String),
  fc.constantFrom('0', '-1', '2147483647', '2147483648', '4294967296', '9007199254740992', '9007199254740993', '1e300', '1.5', 'NaN', 'Infinity', '-0', '0001', '0x10', ''),
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 400 }),
  fc.double().map(String),
  fc.bigInt().map(String),
);

const MODELS = ['Project', 'Group', 'User', 'PersonalAccessToken', 'Namespace', 'Namespaces::UserNamespace', 'ProjectMember', 'Nope', 'project'];

const globalId: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...MODELS), idText).map(([model, id]) => `gid://gitlab/${model}/${id}`) },
  { weight: 1, arbitrary: fc.constantFrom('gid://other/Project/1', 'gid://gitlab/Project/', 'gid://gitlab//1', 'gid:/gitlab/Project/1') },
  { weight: 1, arbitrary: hostileString },
  { weight: 1, arbitrary: idText },
);

/** Anything JSON can carry, for variables of the wrong type. */
const wrongType: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  hostileString,
  fc.array(fc.oneof(hostileString, fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(hostileString, fc.integer()), { maxKeys: 3 }),
);

/** Mostly the declared type with hostile content, sometimes something else entirely. */
const eitherTyped = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: arb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: wrongType });
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });

const pageSize: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -3, max: 120 }),
  fc.constantFrom(0, 1, 100, 101, 2147483647, -2147483648, 2147483648, 2 ** 53, 1e300, 1.5, -0.5),
  fc.constantFrom('10', 'NaN', 'Infinity', '', true, null),
);

const cursorValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.constantFrom(1.5, 2147483648, -2147483649, 2 ** 53, 1e300, -0, 0),
  fc.double(),
  hostileString,
  fc.constantFrom('2026-01-15T12:00:00.000Z', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00Z', '0000-01-01', 'yesterday'),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);

const encode = (value: unknown) => Buffer.from(JSON.stringify(value) ?? 'undefined', 'utf8').toString('base64url');

const cursor: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.constantFrom('id', 'name', 'path', 'created', 'updated', 'latest_activity', 'similarity', 'access_level', 'expires', 'last_used', '__proto__'), cursorValue, { maxKeys: 4 }).map(encode) },
  { weight: 1, arbitrary: wrongType.map(encode) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }).map((bytes) => Buffer.from(bytes).toString('base64url')) },
  { weight: 1, arbitrary: hostileString },
);

const sortString = fc.oneof(
  fc.constantFrom('similarity', 'SIMILARITY', 'id_desc', 'id_asc', 'name_asc', 'name_desc', 'path_asc', 'created_desc', 'updated_asc', 'latest_activity_desc', 'created_at_asc',
    'constructor_asc', '__proto___desc', 'toString_asc', 'valueOf_desc'),
  hostileString,
);

const dateText = fc.oneof(
  fc.constantFrom('2026-01-14', '2026-01-15', '2026-01-16', '2027-06-01', '2000-01-01', '0001-01-01', '9999-12-31', '2026-02-30', '2026-1-1', '26-01-01'),
  hostileString,
);

// ---------------------------------------------------------------------------------------------
// Requests

const PROJECTS = `query($search: String, $sort: String, $ids: [ID!], $fullPaths: [String!], $namespacePath: ID, $first: Int, $last: Int,
    $after: String, $before: String, $membership: Boolean, $searchNamespaces: Boolean) {
  projects(search: $search, sort: $sort, ids: $ids, fullPaths: $fullPaths, namespacePath: $namespacePath, first: $first, last: $last,
      after: $after, before: $before, membership: $membership, searchNamespaces: $searchNamespaces) {
    count nodes { id fullPath name } pageInfo { startCursor endCursor hasNextPage hasPreviousPage } } }`;

const GROUPS = `query($search: String, $sort: String, $ids: [ID!], $parentPath: ID, $first: Int, $last: Int, $after: String, $before: String,
    $psearch: String, $psort: NamespaceProjectSort, $pids: [ID!], $pfirst: Int, $pafter: String, $msearch: String, $mafter: String,
    $dsearch: String, $dids: [ID!]) {
  groups(search: $search, sort: $sort, ids: $ids, parentPath: $parentPath, first: $first, last: $last, after: $after, before: $before) {
    nodes { id fullPath
      projects(search: $psearch, sort: $psort, ids: $pids, first: $pfirst, after: $pafter, includeSubgroups: true) { count nodes { id } }
      groupMembers(search: $msearch, after: $mafter) { nodes { id } }
      descendantGroups(search: $dsearch, ids: $dids) { nodes { id } } } } }`;

const USERS = `query($search: String, $ids: [ID!], $usernames: [String!], $groupId: GroupID, $first: Int, $after: String, $before: String, $sort: Sort) {
  users(search: $search, ids: $ids, usernames: $usernames, groupId: $groupId, first: $first, after: $after, before: $before, sort: $sort) {
    nodes { id username name } } }`;

const LOOKUPS = `query($path: ID!, $username: String, $userId: UserID, $search: String, $after: String, $first: Int) {
  project(fullPath: $path) { id projectMembers(search: $search, after: $after, first: $first) { nodes { id } } }
  group(fullPath: $path) { id groupMembers(search: $search) { nodes { id } } }
  namespace(fullPath: $path) { id projects(search: $search, sort: SIMILARITY) { nodes { id } } }
  byName: user(username: $username) { id }
  byId: user(id: $userId) { id } }`;

const BULK_UPDATE = `mutation($input: ProjectMemberBulkUpdateInput!) { projectMemberBulkUpdate(input: $input) { errors } }`;
const GROUP_BULK_UPDATE = `mutation($input: GroupMemberBulkUpdateInput!) { groupMemberBulkUpdate(input: $input) { errors } }`;

const READ_QUERIES = [PROJECTS, GROUPS, USERS, LOOKUPS];

interface Reply {
  status: number;
  body: unknown;
  text: string;
}

/** The errors of a reply that is a GraphQL result (or a batch of them). */
function graphqlErrors(body: unknown): Array<{ message?: unknown; extensions?: { code?: unknown } }> {
  const results = Array.isArray(body) ? body : [body];
  return results.flatMap((r) => (r && typeof r === 'object' && Array.isArray((r as { errors?: unknown }).errors) ? (r as { errors: never[] }).errors : []));
}

/** Fails with the whole reply when it is an internal error of any kind. */
function assertNotInternal(reply: Reply, sent: unknown): void {
  const internal =
    reply.status === 500 ||
    /Internal server error/i.test(reply.text ?? '') ||
    graphqlErrors(reply.body).some((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || e.message === 'Internal server error');
  if (internal) {
    throw new Error(`internal error for ${JSON.stringify(sent).slice(0, 2000)}\n-> ${reply.status} ${String(reply.text).slice(0, 2000)}`);
  }
}

const asReply = (res: GqlResult): Reply => ({ status: res.status, body: res.body, text: JSON.stringify(res.body ?? null) });

describe('fuzz: malformed and adversarial requests', () => {
  let h: Harness;
  let w: World;
  /** Who sends the requests: a developer, an administrator, an Owner, and nobody. */
  let callers: Array<{ user: User; tokenId: number; secret: string } | null>;
  let baseline: string;
  const tokenOf = (i: number) => callers[i]?.secret;

  /**
   * An accepted mutation may revoke or rotate a caller's own token; presenting a revoked token for a
   * rotation then revokes its whole family (GitLab's reuse detection), a write by design. Callers get a
   * fresh token before each mutation instead.
   */
  async function refreshCallers(): Promise<void> {
    for (const caller of callers) {
      if (!caller) continue;
      const row = await h.app.dataSource.getRepository(PersonalAccessToken).findOneBy({ id: caller.tokenId });
      if (row && !row.revoked) continue;
      const issued = await h.createPat(caller.user, ['api'], { name: 'fuzz caller' });
      caller.tokenId = issued.token.id;
      caller.secret = issued.secret;
      await h.gql('{ currentUser { id } }', {}, { token: caller.secret });
    }
  }

  /** A digest of every row of every table. */
  async function digest(): Promise<string> {
    const hash = createHash('sha256');
    for (const table of ['users', 'namespaces', 'projects', 'members', 'personal_access_tokens']) {
      const rows = await h.app.dataSource.query(`SELECT * FROM ${table} ORDER BY id`);
      hash.update(`${table}:${JSON.stringify(rows)}\n`);
    }
    return hash.digest('hex');
  }

  beforeAll(async () => {
    h = await startHarness();
    // A small world: groups with a subgroup, public and private projects, members, tokens.
    w = await seedWorld(h, { groupVisibility: 'public', projectVisibility: 'public' });
    const sub = await h.createGroup('sub', { parent: w.group.fullPath, visibility: 'private', owner: w.owner });
    await h.createProject('secret', sub.fullPath, { visibility: 'private', name: "it's :ids 100%" });
    await h.createProject('tool', w.group.fullPath, { visibility: 'public', name: 'Tool' });
    const other = await h.createGroup('other', { visibility: 'private', owner: w.maint });
    await h.createProject('x', other.fullPath, { visibility: 'private' });
    await h.addMember({ group: sub }, w.dev, 'developer');
    await h.createResourceToken({ project: w.project }, { name: 'ci bot' });
    callers = [];
    for (const user of [w.dev, w.admin, w.owner]) {
      const issued = await h.createPat(user, ['api'], { name: 'fuzz caller' });
      callers.push({ user, tokenId: issued.token.id, secret: issued.secret });
    }
    callers.push(null);
    // Authentication records a token's and a user's last use once per period, and the clock is frozen:
    // use every token once so that nothing a later request does is a write.
    for (let i = 0; i < callers.length; i += 1) await h.gql('{ currentUser { id } }', {}, { token: tokenOf(i) });
    baseline = await digest();
  });
  afterAll(() => h.close());

  afterEach(async () => {
    expect(await digest()).toBe(baseline);
  });

  const token = fc.constantFrom(0, 1, 2, 3).map((i) => i);

  it('list queries with hostile search, sort, ids, paths and page arguments', async () => {
    const projectVars = fc.record(
      {
        search: optional(eitherTyped(hostileString)),
        sort: optional(eitherTyped(sortString)),
        ids: optional(eitherTyped(fc.array(globalId, { maxLength: 3 }))),
        fullPaths: optional(eitherTyped(fc.array(fc.oneof(hostileString, fc.constantFrom('g1/p', 'G1/P')), { maxLength: 3 }))),
        namespacePath: optional(eitherTyped(fc.oneof(hostileString, fc.constantFrom('g1', 'g1/sub')))),
        first: optional(pageSize),
        last: optional(pageSize),
        after: optional(cursor),
        before: optional(cursor),
        membership: optional(eitherTyped(fc.boolean())),
        searchNamespaces: optional(eitherTyped(fc.boolean())),
      },
      { requiredKeys: [] },
    );
    const groupVars = fc.record(
      {
        search: optional(eitherTyped(hostileString)),
        sort: optional(eitherTyped(sortString)),
        ids: optional(eitherTyped(fc.array(globalId, { maxLength: 3 }))),
        parentPath: optional(eitherTyped(fc.oneof(hostileString, fc.constant('g1')))),
        first: optional(pageSize),
        after: optional(cursor),
        psearch: optional(eitherTyped(hostileString)),
        psort: optional(eitherTyped(fc.constantFrom('SIMILARITY', 'ACTIVITY_DESC'))),
        pids: optional(eitherTyped(fc.array(globalId, { maxLength: 3 }))),
        pfirst: optional(pageSize),
        pafter: optional(cursor),
        msearch: optional(eitherTyped(hostileString)),
        mafter: optional(cursor),
        dsearch: optional(eitherTyped(hostileString)),
        dids: optional(eitherTyped(fc.array(globalId, { maxLength: 2 }))),
      },
      { requiredKeys: [] },
    );
    const userVars = fc.record(
      {
        search: optional(eitherTyped(hostileString)),
        ids: optional(eitherTyped(fc.array(globalId, { maxLength: 3 }))),
        usernames: optional(eitherTyped(fc.array(hostileString, { maxLength: 3 }))),
        groupId: optional(eitherTyped(globalId)),
        first: optional(pageSize),
        after: optional(cursor),
        before: optional(cursor),
        sort: optional(eitherTyped(fc.constantFrom('CREATED_ASC', 'UPDATED_DESC'))),
      },
      { requiredKeys: [] },
    );
    const lookupVars = fc.record(
      {
        path: eitherTyped(fc.oneof(hostileString, fc.constantFrom('g1', 'g1/p', 'g1/sub/secret', 'dev1'))),
        username: optional(eitherTyped(hostileString)),
        userId: optional(eitherTyped(globalId)),
        search: optional(eitherTyped(hostileString)),
        after: optional(cursor),
        first: optional(pageSize),
      },
      { requiredKeys: ['path'] },
    );
    const request = fc.oneof(
      fc.tuple(fc.constant(PROJECTS), projectVars),
      fc.tuple(fc.constant(GROUPS), groupVars),
      fc.tuple(fc.constant(USERS), userVars),
      fc.tuple(fc.constant(LOOKUPS), lookupVars),
    );
    await fc.assert(
      fc.asyncProperty(request, token, async ([query, variables], t) => {
        const res = await h.gql(query, variables as Record<string, unknown>, { token: tokenOf(t) });
        assertNotInternal(asReply(res), { query: query.slice(0, 40), variables });
      }),
      settings(900),
    );
  });

  it('page through real results with real cursors, in every order, under hostile search terms', async () => {
    await fc.assert(
      fc.asyncProperty(sortString, fc.option(hostileString, { nil: undefined }), fc.integer({ min: 1, max: 3 }), token, async (sort, search, first, t) => {
        let after: string | null = null;
        for (let i = 0; i < 3; i += 1) {
          const res: GqlResult = await h.gql(PROJECTS, { sort, search, first, after }, { token: tokenOf(t) });
          assertNotInternal(asReply(res), { sort, search, first, after });
          const pageInfo = res.data?.projects?.pageInfo;
          if (!pageInfo?.hasNextPage) break;
          after = pageInfo.endCursor;
        }
      }),
      settings(150),
    );
  });

  it('raw HTTP requests: bodies that are not JSON, JSON of any shape, batches, wrong content types, GET', async () => {
    const variablesOfAnyShape = fc.dictionary(
      fc.constantFrom('search', 'ids', 'first', 'last', 'after', 'before', 'path', 'sort', 'userId', 'groupId', 'usernames', 'fullPaths', 'x'),
      wrongType,
      { maxKeys: 5 },
    );
    const operation = fc.record(
      {
        query: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...READ_QUERIES) }, { weight: 1, arbitrary: wrongType }, { weight: 1, arbitrary: hostileString.map((s) => `{ projects(search: "${s}") { nodes { id } } }`) }),
        variables: fc.oneof({ weight: 4, arbitrary: variablesOfAnyShape }, { weight: 1, arbitrary: wrongType }),
        operationName: fc.oneof(fc.constant(undefined), wrongType),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      { weight: 4, arbitrary: operation.map((op) => JSON.stringify(op)) },
      { weight: 1, arbitrary: fc.array(operation, { maxLength: 4 }).map((ops) => JSON.stringify(ops)) },
      { weight: 1, arbitrary: fc.json() },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
      { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', '[[]]', 'null', '{"query": null}', '{"query": "{ projects { nodes { id } } }", "variables": "{"}', '\u0000') },
    );
    const contentType = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/graphql', 'application/x-www-form-urlencoded', undefined);
    const getUrl = fc.oneof(
      fc.tuple(fc.constantFrom(...READ_QUERIES), variablesOfAnyShape).map(([q, v]) => `/api/graphql?query=${encodeURIComponent(q)}&variables=${encodeURIComponent(JSON.stringify(v))}`),
      hostileString.map((s) => `/api/graphql?query=${encodeURIComponent(`{ project(fullPath: ${JSON.stringify(s)}) { id } }`)}`),
      fc.constantFrom('/api/graphql?query=%zz', '/api/graphql?query=%00', '/api/graphql?variables=%7B', '/api/graphql?query={projects{nodes{id}}}&variables=[1]', '/api/graphql?%'),
    );
    const request = fc.oneof(
      fc.record({ method: fc.constantFrom('POST', 'PUT', 'PATCH'), body, contentType }).map(({ method, body: text, contentType: type }) => ({
        method,
        url: '/api/graphql',
        headers: (type ? { 'content-type': type } : {}) as Record<string, string>,
        body: text,
      })),
      getUrl.map((url) => ({ method: 'GET', url, headers: {} as Record<string, string> })),
    );
    await fc.assert(
      fc.asyncProperty(request, token, async (req, t) => {
        const headers: Record<string, string> = { ...req.headers };
        const secret = tokenOf(t);
        if (secret) headers.authorization = `Bearer ${secret}`;
        const reply = await h.request({ ...req, headers });
        assertNotInternal(reply, req);
      }),
      settings(600),
    );
  });

  it('mutations with hostile input: never an internal error, and nothing written when refused', async () => {
    const tokenInput = fc.record(
      {
        name: eitherTyped(fc.oneof(hostileString, fc.constantFrom('x'.repeat(255), 'x'.repeat(256)))),
        description: optional(eitherTyped(fc.oneof(hostileString, fc.constant('d'.repeat(256))))),
        scopes: eitherTyped(fc.array(fc.oneof(fc.constantFrom('api', 'read_api', 'self_rotate', 'sudo', 'admin_mode'), hostileString), { maxLength: 3 })),
        expiresAt: optional(eitherTyped(dateText)),
        accessLevel: optional(eitherTyped(fc.constantFrom('GUEST', 'DEVELOPER', 'MAINTAINER', 'OWNER', 'NOPE'))),
      },
      { requiredKeys: ['name', 'scopes'] },
    );
    const path = eitherTyped(fc.oneof(hostileString, fc.constantFrom('g1/p', 'g1', 'g1/sub/secret')));
    const mutation = fc.oneof(
      tokenInput.map((input) => ({ query: CREATE_PAT, input: { ...input, accessLevel: undefined } })),
      fc.tuple(tokenInput, path).map(([input, projectPath]) => ({ query: CREATE_PROJECT_TOKEN, input: { ...input, projectPath } })),
      fc.tuple(tokenInput, path).map(([input, groupPath]) => ({ query: CREATE_GROUP_TOKEN, input: { ...input, groupPath } })),
      fc.record({ id: eitherTyped(globalId) }).map((input) => ({ query: REVOKE_PAT, input })),
      fc.record({ id: eitherTyped(globalId), expiresAt: optional(eitherTyped(dateText)) }).map((input) => ({ query: ROTATE_PAT, input })),
      fc.record({ id: eitherTyped(globalId), projectPath: path }).map((input) => ({ query: REVOKE_PROJECT_TOKEN, input })),
      fc.record({ id: eitherTyped(globalId), projectPath: path, expiresAt: optional(eitherTyped(dateText)) }).map((input) => ({ query: ROTATE_PROJECT_TOKEN, input })),
      fc.record({ fullPath: path, resourceAccessTokenCreationAllowed: optional(eitherTyped(fc.boolean())) }).map((input) => ({ query: GROUP_UPDATE, input })),
      fc
        .record({
          projectId: eitherTyped(globalId),
          userIds: eitherTyped(fc.array(globalId, { maxLength: 3 })),
          accessLevel: eitherTyped(fc.constantFrom('GUEST', 'REPORTER', 'OWNER', 'NOPE')),
          expiresAt: optional(eitherTyped(fc.oneof(dateText, dateText.map((d) => `${d}T00:00:00Z`)))),
        })
        .map((input) => ({ query: BULK_UPDATE, input })),
      fc
        .record({ groupId: eitherTyped(globalId), userIds: eitherTyped(fc.array(globalId, { maxLength: 3 })), accessLevel: eitherTyped(fc.constantFrom('GUEST', 'OWNER')) })
        .map((input) => ({ query: GROUP_BULK_UPDATE, input })),
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(mutation, token, async ({ query, input }, t) => {
        await refreshCallers();
        const before = await digest();
        const res = await h.gql(query, { input }, { token: tokenOf(t) });
        assertNotInternal(asReply(res), { query: query.slice(0, 50), input });
        const payload = res.data ? Object.values(res.data)[0] as { errors?: string[] } | null : null;
        const refused = res.status !== 200 || (res.errors?.length ?? 0) > 0 || !payload || (payload.errors?.length ?? 0) > 0;
        if (refused) expect(await digest()).toBe(before);
        else accepted += 1;
      }),
      settings(300),
    );
    // What some mutation did write (a token made from a harmless name, say) is the new baseline.
    baseline = await digest();
    expect(accepted).toBeLessThan(runs(300));
  });
});
