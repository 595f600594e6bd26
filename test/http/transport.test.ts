import net from 'node:net';
import { getIntrospectionQuery } from 'graphql';
import { startHarness, type Harness } from '../helpers/harness';
import { MAX_BODY_BYTES } from '../../src/http/limits';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import type { User } from '../../src/modules/user/user.entity';

/**
 * The `/api/graphql` endpoint as GitLab's GraphQL controller serves it: methods, request shapes,
 * batches, authentication, limits and error bodies (docs/reference/gitlab-graphql.md §1, §2, §5, §6).
 */
describe('the /api/graphql endpoint', () => {
  let h: Harness;
  let alice: User;
  let admin: User;
  let aliceToken: string;
  let adminToken: string;

  const INVALID_TOKEN = { errors: [{ message: 'Invalid token' }] };

  const post = (body: unknown, headers: Record<string, string> = {}, url = '/api/graphql') =>
    h.request({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const get = (params: Record<string, string>, headers: Record<string, string> = {}, method = 'GET') =>
    h.request({ method, url: `/api/graphql?${new URLSearchParams(params)}`, headers });

  beforeAll(async () => {
    h = await startHarness({ config: { logErrors: false } });
    alice = await h.createUser('alice');
    admin = await h.createUser('root', { admin: true });
    aliceToken = (await h.createPat(alice, ['read_api'])).secret;
    adminToken = (await h.createPat(admin, ['api'])).secret;
    await h.createGroup('acme', { visibility: 'public', owner: alice });
    await h.createProject('web', 'acme', { visibility: 'public' });
  });
  afterAll(() => h.close());

  describe('request shapes', () => {
    it('runs a POSTed JSON query', async () => {
      const res = await post({ query: '{ project(fullPath: "acme/web") { fullPath } }' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ data: { project: { fullPath: 'acme/web' } } });
    });

    it('takes variables as an object or as a JSON string, and picks the operation by operationName', async () => {
      const query = 'query A($p: ID!) { project(fullPath: $p) { fullPath } } query B { currentUser { username } }';
      const asObject = await post({ query, variables: { p: 'acme/web' }, operationName: 'A' });
      expect(asObject.body).toEqual({ data: { project: { fullPath: 'acme/web' } } });
      const asString = await post({ query, variables: JSON.stringify({ p: 'acme/web' }), operationName: 'A' });
      expect(asString.body).toEqual({ data: { project: { fullPath: 'acme/web' } } });
      const other = await post({ query, operationName: 'B' }, { authorization: `Bearer ${aliceToken}` });
      expect(other.body).toEqual({ data: { currentUser: { username: 'alice' } } });
    });

    it('runs a GET query from ?query= with ?variables=', async () => {
      const res = await get({ query: 'query($p: ID!) { project(fullPath: $p) { fullPath } }', variables: JSON.stringify({ p: 'acme/web' }) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { project: { fullPath: 'acme/web' } } });
    });

    it('honours the standard @include and @skip directives on variables, and lists them in introspection', async () => {
      const query = 'query($withPath: Boolean!, $hideName: Boolean!) { project(fullPath: "acme/web") { fullPath @include(if: $withPath) name @skip(if: $hideName) } }';
      const shown = await post({ query, variables: { withPath: true, hideName: false } });
      expect(shown.body).toEqual({ data: { project: { fullPath: 'acme/web', name: 'web' } } });
      const hidden = await post({ query, variables: { withPath: false, hideName: true } });
      expect(hidden.body).toEqual({ data: { project: {} } });
      const directives = await post({ query: '{ __schema { directives { name } } }' });
      const names = directives.body.data.__schema.directives.map((d: { name: string }) => d.name);
      expect(names).toEqual(expect.arrayContaining(['include', 'skip', 'deprecated', 'specifiedBy', 'oneOf']));
    });

    it('answers HEAD like GET, without a body', async () => {
      const res = await get({ query: '{ project(fullPath: "acme/web") { fullPath } }' }, {}, 'HEAD');
      expect(res.status).toBe(200);
      expect(res.text).toBe('');
    });

    it('runs an array body as a batch, answering an array in the same order', async () => {
      const res = await post(
        [
          { query: '{ currentUser { username } }' },
          { query: 'query($p: ID!) { project(fullPath: $p) { fullPath } }', variables: { p: 'acme/web' } },
          { query: '{ project(fullPath: "nope") { id } }' },
        ],
        { authorization: `Bearer ${aliceToken}` },
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        { data: { currentUser: { username: 'alice' } } },
        { data: { project: { fullPath: 'acme/web' } } },
        { data: { project: null } },
      ]);
    });

    it('reports an error in one operation of a batch without failing the others', async () => {
      const res = await post([{ query: '{ project(fullPath: "acme/web") { fullPath } }' }, { query: '{ nope }' }]);
      expect(res.status).toBe(200);
      expect(res.body[0]).toEqual({ data: { project: { fullPath: 'acme/web' } } });
      expect(res.body[1].errors[0].message).toBe("Field 'nope' doesn't exist on type 'Query'");
    });

    it('refuses a mutation over GET or HEAD with 422 and GitLab\'s body', async () => {
      const mutation = 'mutation { personalAccessTokenRevoke(input: { id: "gid://gitlab/PersonalAccessToken/1" }) { errors } }';
      for (const method of ['GET', 'HEAD']) {
        const res = await get({ query: mutation }, { authorization: `Bearer ${adminToken}` }, method);
        expect(res.status).toBe(422);
        if (method === 'GET') expect(res.body).toEqual({ errors: [{ message: 'Mutations are forbidden in GET requests' }] });
      }
      // The operation that runs decides: a document holding a mutation may still run its query over GET.
      const mixed = await get({ query: `query Q { currentUser { username } } ${mutation.replace('mutation', 'mutation M')}`, operationName: 'Q' });
      expect(mixed.status).toBe(200);
    });

    it('answers a body that is not JSON with a 400 and an errors body', async () => {
      const res = await post('{"query": ');
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(1);
      expect(typeof res.body.errors[0].message).toBe('string');
    });

    it('answers variables that are not JSON with a 422', async () => {
      const res = await get({ query: 'query($p: ID!) { project(fullPath: $p) { id } }', variables: '{nope' });
      expect(res.status).toBe(422);
      expect(res.body.errors).toHaveLength(1);
    });

    it('answers an unknown path with 404, and an unsupported method with 405', async () => {
      const missing = await h.request({ method: 'GET', url: '/api/v3/projects', headers: {} });
      expect(missing.status).toBe(404);
      expect(missing.body.errors).toHaveLength(1);
      const put = await h.request({ method: 'PUT', url: '/api/graphql', headers: {}, body: '{}' });
      expect(put.status).toBe(405);
    });
  });

  describe('query size', () => {
    /** A valid query padded with a comment to exactly `length` characters. */
    const sized = (length: number) => {
      const base = '{ currentUser { username } }\n#';
      return base + 'x'.repeat(length - base.length);
    };

    it('accepts 10,000 characters', async () => {
      const res = await post({ query: sized(10_000) });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { currentUser: null } });
    });

    it("refuses 10,001 characters with 422 Query too large", async () => {
      const res = await post({ query: sized(10_001) });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ errors: [{ message: 'Query too large' }] });
      const viaGet = await get({ query: sized(10_001) });
      expect(viaGet.status).toBe(422);
      expect(viaGet.body).toEqual({ errors: [{ message: 'Query too large' }] });
    });

    it('sums the queries of a batch', async () => {
      const ok = await post([{ query: sized(5_000) }, { query: sized(5_000) }]);
      expect(ok.status).toBe(200);
      const res = await post([{ query: sized(5_000) }, { query: sized(5_001) }]);
      expect(res.status).toBe(422);
      expect(res.body).toEqual({ errors: [{ message: 'Query too large' }] });
    });
  });

  describe('authentication', () => {
    const whoAmI = '{ currentUser { username } }';

    it('accepts a token in Authorization: Bearer, PRIVATE-TOKEN, ?private_token= and ?access_token=', async () => {
      for (const via of ['bearer', 'private-token', 'private_token', 'access_token'] as const) {
        const res = await h.gql(whoAmI, undefined, { token: aliceToken, via });
        expect(res.status).toBe(200);
        expect(res.data).toEqual({ currentUser: { username: 'alice' } });
      }
      const viaGet = await h.gql(whoAmI, undefined, { token: aliceToken, via: 'private_token', method: 'GET' });
      expect(viaGet.data).toEqual({ currentUser: { username: 'alice' } });
    });

    it('treats a request without a token as anonymous', async () => {
      const res = await h.gql(whoAmI);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: { currentUser: null } });
    });

    it('treats a blank token, wherever it is given, as no token (GitLab ignores blank values; inferred)', async () => {
      for (const via of ['bearer', 'private-token', 'private_token', 'access_token'] as const) {
        const res = await h.gql(whoAmI, undefined, { token: ' ', via });
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ data: { currentUser: null } });
      }
    });

    it('answers an unknown token with 401 Invalid token, wherever it is given', async () => {
      for (const token of ['glpat-thisisnotarealtokenatall00', 'nonsense']) {
        for (const via of ['bearer', 'private-token', 'private_token', 'access_token'] as const) {
          const res = await h.gql(whoAmI, undefined, { token, via });
          expect(res.status).toBe(401);
          expect(res.body).toEqual(INVALID_TOKEN);
        }
      }
    });

    it('answers a revoked token with 401 Invalid token', async () => {
      const issued = await h.createPat(alice, ['read_api'], { name: 'to revoke' });
      expect((await h.gql(whoAmI, undefined, { token: issued.secret })).status).toBe(200);
      await h.app.services.tokens.revokePersonal(h.system(), issued.token.id);
      const res = await h.gql(whoAmI, undefined, { token: issued.secret });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(INVALID_TOKEN);
    });

    it('stops accepting a token at 00:00 UTC on its expiry date', async () => {
      const issued = await h.createPat(alice, ['read_api'], { name: 'expiring', expiresAt: '2026-01-20' });
      try {
        h.clock.set('2026-01-19T23:59:59.999Z');
        const lastMoment = await h.gql(whoAmI, undefined, { token: issued.secret });
        expect(lastMoment.status).toBe(200);
        expect(lastMoment.data).toEqual({ currentUser: { username: 'alice' } });
        h.clock.set('2026-01-20T00:00:00.000Z');
        const expired = await h.gql(whoAmI, undefined, { token: issued.secret });
        expect(expired.status).toBe(401);
        expect(expired.body).toEqual(INVALID_TOKEN);
      } finally {
        h.clock.set('2026-01-15T12:00:00.000Z');
      }
    });

    it('answers a token whose scopes do not include the API (read_repository only) with 401', async () => {
      const issued = await h.createPat(alice, ['read_repository'], { name: 'git only' });
      const res = await h.gql(whoAmI, undefined, { token: issued.secret });
      expect(res.status).toBe(401);
      expect(res.body).toEqual(INVALID_TOKEN);
      // A refused request writes nothing: the token does not count as used.
      const stored = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ id: issued.token.id });
      expect(stored.lastUsedAt).toBeNull();
    });

    it('answers the token of a blocked user with 403 API not accessible for user', async () => {
      const blocked = await h.createUser('blocked');
      const issued = await h.createPat(blocked, ['api']);
      await h.app.services.users.update(h.system(), blocked, { state: 'blocked' });
      const res = await h.gql(whoAmI, undefined, { token: issued.secret });
      expect(res.status).toBe(403);
      expect(res.body).toEqual({ errors: [{ message: 'API not accessible for user' }] });
    });

    it('applies one token to every operation of a batch, and refuses the whole batch for a bad one', async () => {
      const ok = await post([{ query: whoAmI }, { query: whoAmI }], { 'private-token': aliceToken });
      expect(ok.body).toEqual([{ data: { currentUser: { username: 'alice' } } }, { data: { currentUser: { username: 'alice' } } }]);
      const bad = await post([{ query: whoAmI }, { query: whoAmI }], { 'private-token': 'glpat-unknownunknownunknown' });
      expect(bad.status).toBe(401);
      expect(bad.body).toEqual(INVALID_TOKEN);
    });
  });

  describe('depth and complexity', () => {
    /** `{ group(fullPath: "acme") { parent { parent { ... { id } } } } }` with the given depth in fields. */
    const deep = (depth: number) => `{ group(fullPath: "acme") { ${'parent { '.repeat(depth - 2)}id${' }'.repeat(depth - 2)} } }`;

    it('allows depth 15 anonymously and refuses 16', async () => {
      expect((await h.gql(deep(15))).errors).toBeUndefined();
      const res = await h.gql(deep(16));
      expect(res.status).toBe(200);
      expect(res.errors?.map((e) => e.message)).toEqual(['Query has depth of 16, which exceeds max depth of 15']);
      expect(res.data).toBeUndefined();
    });

    it('allows depth 20 to signed-in users and refuses 21', async () => {
      expect((await h.gql(deep(20), undefined, { token: aliceToken })).errors).toBeUndefined();
      const res = await h.gql(deep(21), undefined, { token: aliceToken });
      expect(res.errors?.map((e) => e.message)).toEqual(['Query has depth of 21, which exceeds max depth of 20']);
    });

    it('reports the score and the limit of the tier in queryComplexity', async () => {
      const query = '{ queryComplexity { score limit } }';
      expect((await h.gql(query)).data.queryComplexity).toEqual({ score: expect.any(Number), limit: 200 });
      expect((await h.gql(query, undefined, { token: aliceToken })).data.queryComplexity.limit).toBe(250);
      expect((await h.gql(query, undefined, { token: adminToken })).data.queryComplexity.limit).toBe(300);
    });

    it('counts a field as 1 and a connection by its page size', async () => {
      const score = async (query: string) => (await h.gql(`{ queryComplexity { score } ${query} }`)).data.queryComplexity.score as number;
      const base = await score('');
      expect(await score('a: echo(text: "x")')).toBe(base + 1);
      expect(await score('a: echo(text: "x") b: echo(text: "y")')).toBe(base + 2);
      const small = await score('projects(first: 1) { nodes { id } }');
      const large = await score('projects(first: 100) { nodes { id } }');
      expect(large).toBeGreaterThan(small);
      expect(await score('projects { nodes { id } }')).toBe(large);
    });

    /** A query of about `n` cheap fields: the complexity grows by one per alias. */
    const wide = (n: number) => `{ queryComplexity { score limit } ${Array.from({ length: n }, (_, i) => `e${i}: echo(text: "x")`).join(' ')} }`;

    it('refuses an anonymous query over 200 and accepts it signed in (250), with graphql-ruby\'s message', async () => {
      const probe = await h.gql(wide(1), undefined, { token: aliceToken });
      const perQuery = probe.data.queryComplexity.score - 1; // the fixed part
      const n = 201 - perQuery; // score 201
      const anonymous = await h.gql(wide(n));
      expect(anonymous.status).toBe(200);
      expect(anonymous.errors?.map((e) => e.message)).toEqual(['Query has complexity of 201, which exceeds max complexity of 200']);
      expect(anonymous.data).toBeUndefined();
      const signedIn = await h.gql(wide(n), undefined, { token: aliceToken });
      expect(signedIn.errors).toBeUndefined();
      expect(signedIn.data.queryComplexity).toEqual({ score: 201, limit: 250 });
      const tooMuch = await h.gql(wide(251 - perQuery), undefined, { token: aliceToken });
      expect(tooMuch.errors?.map((e) => e.message)).toEqual(['Query has complexity of 251, which exceeds max complexity of 250']);
      const asAdmin = await h.gql(wide(251 - perQuery), undefined, { token: adminToken });
      expect(asAdmin.errors).toBeUndefined();
      expect(asAdmin.data.queryComplexity).toEqual({ score: 251, limit: 300 });
    });
  });

  describe('introspection', () => {
    it("answers graphql-js's full introspection query anonymously, within the limits", async () => {
      const res = await h.gql(getIntrospectionQuery(), undefined, { operationName: 'IntrospectionQuery' });
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
      const types = res.data.__schema.types.map((t: { name: string }) => t.name);
      expect(types).toEqual(expect.arrayContaining(['Project', 'Group', 'Namespace', 'UserCore', 'CurrentUser', 'ProjectID', 'PageInfo']));
      expect(res.data.__schema.queryType).toMatchObject({ name: 'Query' });
    });

    it('answers it with every option of getIntrospectionQuery on', async () => {
      const query = getIntrospectionQuery({ specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
      const res = await h.gql(query);
      expect(res.errors).toBeUndefined();
      expect(res.data.__schema.directives.map((d: { name: string }) => d.name)).toEqual(expect.arrayContaining(['requireScopes', 'public']));
    });

    it('answers it over GET too', async () => {
      const res = await h.gql(getIntrospectionQuery({ descriptions: false }), undefined, { method: 'GET' });
      expect(res.status).toBe(200);
      expect(res.errors).toBeUndefined();
    });

    it('answers small introspection queries', async () => {
      const res = await h.gql('{ __type(name: "Project") { fields { name } } }');
      expect(res.data.__type.fields.map((f: { name: string }) => f.name)).toEqual(expect.arrayContaining(['fullPath', 'nameWithNamespace', 'maxAccessLevel']));
    });
  });

  describe('unexpected errors', () => {
    it('are masked as "Internal server error", with no detail or stack', async () => {
      const projects = h.app.services.projects;
      const original = projects.findByFullPath;
      projects.findByFullPath = async () => {
        throw new Error('connection to db-7.internal refused at /srv/labgate/src/secret.ts:42');
      };
      try {
        const res = await h.gql('{ project(fullPath: "acme/web") { id } currentUser { username } }');
        expect(res.status).toBe(200);
        expect(res.errors).toHaveLength(1);
        expect(res.errors![0].message).toBe('Internal server error');
        expect(res.errors![0].path).toEqual(['project']);
        expect(res.data).toEqual({ project: null, currentUser: null });
        expect(JSON.stringify(res.body)).not.toMatch(/db-7|secret\.ts|stacktrace|at /);
      } finally {
        projects.findByFullPath = original;
      }
    });
  });

  describe('over a real socket', () => {
    let base: string;

    beforeAll(async () => {
      const address = await h.app.listen(0, '127.0.0.1');
      base = `http://127.0.0.1:${address.port}`;
    });

    it('serves POST and GET', async () => {
      const res = await fetch(`${base}/api/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${aliceToken}` },
        body: JSON.stringify({ query: '{ currentUser { username } }' }),
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ data: { currentUser: { username: 'alice' } } });
      const viaGet = await fetch(`${base}/api/graphql?${new URLSearchParams({ query: '{ project(fullPath: "acme/web") { fullPath } }' })}`);
      expect(await viaGet.json()).toEqual({ data: { project: { fullPath: 'acme/web' } } });
    });

    it('sends 401 for a bad token and 422 for a mutation over GET', async () => {
      const bad = await fetch(`${base}/api/graphql?private_token=glpat-nothingnothingnothing`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ currentUser { id } }"}' });
      expect(bad.status).toBe(401);
      expect(await bad.json()).toEqual(INVALID_TOKEN);
      const mutation = await fetch(`${base}/api/graphql?${new URLSearchParams({ query: 'mutation { personalAccessTokenRevoke(input: {id: "gid://gitlab/PersonalAccessToken/1"}) { errors } }' })}`);
      expect(mutation.status).toBe(422);
      expect(await mutation.json()).toEqual({ errors: [{ message: 'Mutations are forbidden in GET requests' }] });
    });

    it('answers 413 to a body over the limit and stops reading it', async () => {
      const declared = await fetch(`${base}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(MAX_BODY_BYTES + 1) });
      expect(declared.status).toBe(413);
      expect(await declared.json()).toEqual({ errors: [{ message: 'Request entity too large' }] });

      // A chunked body with no length: answered as soon as it passes the limit, long before it ends.
      const { port } = new URL(base);
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => {
          socket.write('POST /api/graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
          const chunk = 'y'.repeat(64 * 1024);
          let sent = 0;
          const pump = () => {
            // Ten times the limit would be sent if the server kept reading.
            while (sent < 10 * MAX_BODY_BYTES && !socket.destroyed) {
              sent += chunk.length;
              if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`)) return void socket.once('drain', pump);
            }
          };
          pump();
        });
        let received = '';
        socket.on('data', (data) => (received += data.toString()));
        socket.on('close', () => resolve(received));
        socket.on('error', () => resolve(received));
        setTimeout(() => reject(new Error('the server kept reading')), 10_000).unref();
      });
      expect(answer).toMatch(/^HTTP\/1\.1 413/);
    });

    it('answers HEAD without a body, and an unknown path with 404', async () => {
      const head = await fetch(`${base}/api/graphql?${new URLSearchParams({ query: '{ currentUser { id } }' })}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe('');
      expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    });
  });
});
