/**
 * Issue 7, "hostile input never reaches SQL text": the specific inputs that used to end in an internal
 * error (or would on PostgreSQL), each answered the GitLab way: a validation error, `null`, or an empty
 * list, and nothing written. The same file runs on SQLite and, with `DATABASE_URL=postgres://...`, on
 * PostgreSQL, which refuses what SQLite lets through (32-bit overflow in integer columns, U+0000 in text).
 * The property-based sweep over many more inputs is fuzz.test.ts.
 */
import { Project } from '../../src/modules/project/project.entity';
import { RESOURCE_NOT_AVAILABLE } from '../../src/core/errors';
import { startHarness, type GqlResult, type Harness } from '../helpers/harness';
import {
  CREATE_PAT,
  CREATE_PROJECT_TOKEN,
  day,
  REVOKE_PAT,
  ROTATE_PAT,
  ROTATE_PROJECT_TOKEN,
  patGid,
  seedWorld,
  type World,
} from '../e2e/access-tokens/fixtures';

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const NUL = '\u0000';

/** Far beyond any id: 1e300 written out in digits. */
const HUGE_DIGITS = `1${'0'.repeat(300)}`;

/** No response may be an internal error, whatever else it is. */
function expectNoInternalError(res: GqlResult): void {
  expect(res.status).not.toBe(500);
  const internal = (res.errors ?? []).filter((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR' || e.message === 'Internal server error');
  expect(internal).toEqual([]);
}

function expectErrors(res: GqlResult, messages: string[]): void {
  expectNoInternalError(res);
  expect(res.errors?.map((e) => e.message)).toEqual(messages);
}

function expectOk(res: GqlResult): void {
  expectNoInternalError(res);
  expect(res.errors).toBeUndefined();
}

describe('hostile input', () => {
  let h: Harness;
  let w: World;
  let named: Project;

  beforeAll(async () => {
    h = await startHarness();
    w = await seedWorld(h, { groupVisibility: 'public', projectVisibility: 'public' });
    // A name holding TypeORM's parameter syntax, quotes and LIKE wildcards.
    named = await h.createProject('colon-tool', w.group.fullPath, { visibility: 'public', name: `:ids it's 100%_done` });
    await h.createProject('other', w.group.fullPath, { visibility: 'public', name: 'Other' });
  });
  afterAll(() => h.close());


  describe('search terms are bound parameters', () => {
    const SIMILAR = `query($search: String, $ids: [ID!], $first: Int, $after: String) {
      projects(search: $search, sort: "similarity", ids: $ids, first: $first, after: $after) {
        nodes { fullPath } pageInfo { hasNextPage endCursor } } }`;

    it('projects(search: ":ids", sort: "similarity", ids: [...]) answers instead of failing', async () => {
      const ids = [`gid://gitlab/Project/${named.id}`, `gid://gitlab/Project/${w.project.id}`];
      const res = await h.gql(SIMILAR, { search: ':ids', ids }, { token: w.pat.dev });
      expectOk(res);
      expect(res.data.projects.nodes.map((n: { fullPath: string }) => n.fullPath)).toEqual([named.fullPath]);
    });

    it('the similarity order pages with cursors when the term holds quotes, colons and wildcards', async () => {
      for (const search of [':ids', "it's", '100%_', ':search', "'; DROP TABLE projects; --"]) {
        const matches = !search.startsWith(':s') && !search.startsWith("';");
        const seen: string[] = [];
        let after: string | null = null;
        for (let i = 0; i < 5; i += 1) {
          const res: GqlResult = await h.gql(SIMILAR, { search, first: 1, after }, { token: w.pat.dev });
          expectOk(res);
          seen.push(...res.data.projects.nodes.map((n: { fullPath: string }) => n.fullPath));
          if (!res.data.projects.pageInfo.hasNextPage) break;
          after = res.data.projects.pageInfo.endCursor;
        }
        expect(seen).toEqual(matches ? [named.fullPath] : []);
      }
      expect(await h.app.dataSource.getRepository(Project).count()).toBeGreaterThan(0);
    });

    it('Group.projects(sort: SIMILARITY) binds the term too, in the batched query of several groups', async () => {
      const res = await h.gql(
        `query($s: String) { groups(search: "${w.group.path}") { nodes { projects(search: $s, sort: SIMILARITY) { nodes { fullPath } } } } }`,
        { s: ':ids' },
        { token: w.pat.dev },
      );
      expectOk(res);
      expect(res.data.groups.nodes[0].projects.nodes.map((n: { fullPath: string }) => n.fullPath)).toEqual([named.fullPath]);
    });
  });

  it('a sort naming a property every object has (constructor, __proto__) is an unknown sort: the default order', async () => {
    for (const sort of ['constructor_asc', '__proto___desc', 'toString_asc', 'hasOwnProperty_desc']) {
      const res = await h.gql(`query($sort: String) { projects(sort: $sort) { nodes { id } } groups(sort: $sort) { nodes { id } } }`, { sort }, { token: w.pat.dev });
      expectOk(res);
      expect(res.data.projects.nodes.length).toBeGreaterThan(0);
    }
  });

  describe('ids beyond what the database holds name nothing', () => {
    const tooLarge = ['2147483648', '9007199254740992', HUGE_DIGITS];

    it.each([
      ['2^31', tooLarge[0]],
      ['2^53', tooLarge[1]],
      ['1e300 in digits', tooLarge[2]],
    ])('a well-formed global ID with an id of %s is simply not found', async (_what, id) => {
      const user = await h.gql(`query($id: UserID) { user(id: $id) { username } }`, { id: `gid://gitlab/User/${id}` }, { token: w.pat.dev });
      expectOk(user);
      expect(user.data.user).toBeNull();

      const lists = await h.gql(
        `query($p: [ID!], $g: [ID!], $u: [ID!], $group: GroupID) {
          projects(ids: $p) { nodes { id } } groups(ids: $g) { nodes { id } } users(ids: $u) { nodes { id } }
          members: users(groupId: $group) { nodes { id } } }`,
        { p: [`gid://gitlab/Project/${id}`], g: [`gid://gitlab/Group/${id}`], u: [`gid://gitlab/User/${id}`], group: `gid://gitlab/Group/${id}` },
        { token: w.pat.dev },
      );
      expectOk(lists);
      expect(lists.data).toEqual({ projects: { nodes: [] }, groups: { nodes: [] }, users: { nodes: [] }, members: { nodes: [] } });
    });

    it('a real id beside a too-large one still matches', async () => {
      const res = await h.gql(`query($p: [ID!]) { projects(ids: $p) { nodes { id } } }`, {
        p: [`gid://gitlab/Project/${w.project.id}`, 'gid://gitlab/Project/2147483648'],
      }, { token: w.pat.dev });
      expectOk(res);
      expect(res.data.projects.nodes).toEqual([{ id: `gid://gitlab/Project/${w.project.id}` }]);
    });

    it('1e300 written as an exponent is not a GitLab ID at all', async () => {
      const res = await h.gql(`{ projects(ids: ["gid://gitlab/Project/1e300"]) { nodes { id } } }`, {}, { token: w.pat.dev });
      expectErrors(res, ['gid://gitlab/Project/1e300 is not a valid GitLab ID.']);
      const user = await h.gql(`{ user(id: "gid://gitlab/User/1e300") { id } }`, {}, { token: w.pat.dev });
      expectErrors(user, ['"gid://gitlab/User/1e300" is not a valid Global ID']);
    });

    it('mutations given such ids change nothing and say "not available" (or "not a direct member")', async () => {
      const before = await h.rowCounts();
      for (const id of tooLarge) {
        expectErrors(await h.gql(REVOKE_PAT, { input: { id: patGid(id as unknown as number) } }, { token: w.pat.dev }), [RESOURCE_NOT_AVAILABLE]);
        expectErrors(await h.gql(ROTATE_PAT, { input: { id: patGid(id as unknown as number) } }, { token: w.pat.dev }), [RESOURCE_NOT_AVAILABLE]);
        expectErrors(
          await h.gql(ROTATE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, id: patGid(id as unknown as number) } }, { token: w.pat.owner }),
          [RESOURCE_NOT_AVAILABLE],
        );
        const bulk = `mutation($input: ProjectMemberBulkUpdateInput!) { projectMemberBulkUpdate(input: $input) { errors } }`;
        expectErrors(
          await h.gql(bulk, { input: { projectId: `gid://gitlab/Project/${id}`, userIds: [`gid://gitlab/User/${w.dev.id}`], accessLevel: 'GUEST' } }, { token: w.pat.owner }),
          [RESOURCE_NOT_AVAILABLE],
        );
        expectErrors(
          await h.gql(bulk, { input: { projectId: `gid://gitlab/Project/${w.project.id}`, userIds: [`gid://gitlab/User/${id}`], accessLevel: 'GUEST' } }, { token: w.pat.owner }),
          ['Only access level of direct members can be updated.'],
        );
      }
      expect(await h.rowCounts()).toEqual(before);
    });

    it('graphql-js itself refuses `first: 2147483648`', async () => {
      const res = await h.gql(`{ projects(first: 2147483648) { nodes { id } } }`, {}, { token: w.pat.dev });
      expectNoInternalError(res);
      expect(res.errors?.[0].message).toBe("Argument 'first' on Field 'projects' has an invalid value (2147483648). Expected type 'Int'.");
    });
  });

  describe('cursors', () => {
    const page = (sort: string, after: string) =>
      h.gql(`query($after: String) { projects(sort: "${sort}", after: $after) { nodes { id } } }`, { after }, { token: w.pat.dev });

    it.each([
      ['an id of 1.5', 'id_desc', { id: 1.5 }],
      ['an id of 2147483648', 'id_desc', { id: 2147483648 }],
      ['an id of 2^53', 'id_desc', { id: 2 ** 53 }],
      ['an id of 1e300', 'id_desc', { id: 1e300 }],
      ['an id of the wrong type', 'id_desc', { id: '1' }],
      ['an array', 'id_desc', [1]],
      ['a name with a null byte', 'name_asc', { name: `a${NUL}`, id: 1 }],
      ['a name of the wrong type', 'name_asc', { name: 7, id: 1 }],
      ['a date beyond year 9999', 'created_asc', { created: '+275760-09-13T00:00:00.000Z', id: 1 }],
      ['a date that is not one', 'created_asc', { created: 'yesterday', id: 1 }],
    ])('a cursor holding %s is "Please provide a valid cursor"', async (_what, sort, value) => {
      expectErrors(await page(sort, cursor(value)), ['Please provide a valid cursor']);
    });

    it('a cursor that is not base64 JSON is "Please provide a valid cursor"', async () => {
      for (const bad of ['%%%', 'bm90IGpzb24', cursor('just a string'), `${NUL}`]) {
        expectErrors(await page('id_desc', bad), ['Please provide a valid cursor']);
      }
    });

    it('a real cursor still works', async () => {
      const first = await h.gql(`{ projects(first: 1) { pageInfo { endCursor } } }`, {}, { token: w.pat.dev });
      expectOk(await page('id_desc', first.data.projects.pageInfo.endCursor));
    });
  });

  describe('null bytes', () => {
    it('a search with a null byte is a bad argument wherever search is offered (inferred message)', async () => {
      const searches = [
        `query($s: String) { projects(search: $s) { nodes { id } } }`,
        `query($s: String) { groups(search: $s) { nodes { id } } }`,
        `query($s: String) { users(search: $s) { nodes { id } } }`,
        `query($s: String) { group(fullPath: "${w.group.fullPath}") { projects(search: $s) { nodes { id } } } }`,
        `query($s: String) { group(fullPath: "${w.group.fullPath}") { descendantGroups(search: $s) { nodes { id } } } }`,
        `query($s: String) { project(fullPath: "${w.project.fullPath}") { projectMembers(search: $s) { nodes { id } } } }`,
      ];
      for (const query of searches) {
        const res = await h.gql(query, { s: `p${NUL}` }, { token: w.pat.dev });
        expectNoInternalError(res);
        expect(res.errors).toEqual([expect.objectContaining({ message: 'Search cannot contain null bytes', extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
      }
    });

    it("a null byte in the URL's parameters is refused with 400 Bad Request before anything runs, as GitLab's middleware does", async () => {
      const res = await h.request({ method: 'GET', url: `/api/graphql?${new URLSearchParams({ query: `{ projects(search: "p${NUL}") { nodes { id } } }` })}` });
      expect(res.status).toBe(400);
      expect(res.text).toBe('Bad Request');
    });

    it('a path or username with a null byte names nothing: null, or an empty list', async () => {
      const res = await h.gql(
        `query($path: ID!, $paths: [String!], $name: String!) {
          project(fullPath: $path) { id } group(fullPath: $path) { id } namespace(fullPath: $path) { id }
          user(username: $name) { id } users(usernames: [$name]) { nodes { id } }
          projects(fullPaths: $paths) { nodes { id } } byNamespace: projects(namespacePath: $path) { nodes { id } } }`,
        { path: `${w.project.fullPath}${NUL}`, paths: [`${w.project.fullPath}${NUL}`], name: `${w.dev.username}${NUL}` },
        { token: w.pat.dev },
      );
      expectOk(res);
      expect(res.data).toEqual({
        project: null,
        group: null,
        namespace: null,
        user: null,
        users: { nodes: [] },
        projects: { nodes: [] },
        byNamespace: { nodes: [] },
      });
    });

    it('a token name or description with a null byte is refused and nothing is written (inferred message)', async () => {
      const before = await h.rowCounts();
      const pat = await h.gql(CREATE_PAT, { input: { name: `lap${NUL}top`, scopes: ['api'] } }, { token: w.pat.dev });
      expectOk(pat);
      expect(pat.data.personalAccessTokenCreate).toMatchObject({ errors: ['Name cannot contain null bytes'], token: null });
      const project = await h.gql(
        CREATE_PROJECT_TOKEN,
        { input: { projectPath: w.project.fullPath, name: 'ci', description: `x${NUL}`, scopes: ['api'] } },
        { token: w.pat.maint },
      );
      expectOk(project);
      expect(project.data.projectAccessTokenCreate).toMatchObject({ errors: ['Description cannot contain null bytes'], token: null });
      const scopes = await h.gql(CREATE_PAT, { input: { name: 'x', scopes: [`api${NUL}`] } }, { token: w.pat.dev });
      expect(scopes.data.personalAccessTokenCreate.errors).toEqual(['Scopes can only contain available scopes']);
      const path = await h.gql(CREATE_PROJECT_TOKEN, { input: { projectPath: `${w.project.fullPath}${NUL}`, name: 'ci', scopes: ['api'] } }, { token: w.pat.maint });
      expectErrors(path, [RESOURCE_NOT_AVAILABLE]);
      expect(await h.rowCounts()).toEqual(before);
    });
  });

  describe("GitLab's rules for token names, descriptions and expiry", () => {
    const long = 'x'.repeat(256);

    it('a name over 255 characters is refused and nothing is written (inferred message)', async () => {
      const before = await h.rowCounts();
      const pat = await h.gql(CREATE_PAT, { input: { name: long, scopes: ['api'] } }, { token: w.pat.dev });
      expect(pat.data.personalAccessTokenCreate).toMatchObject({ errors: ['Name is too long (maximum is 255 characters)'], token: null });
      const project = await h.gql(CREATE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, name: long, scopes: ['api'] } }, { token: w.pat.maint });
      expect(project.data.projectAccessTokenCreate).toMatchObject({ errors: ['Name is too long (maximum is 255 characters)'], token: null });
      expect(await h.rowCounts()).toEqual(before);
    });

    it('a description over 255 characters is refused (documented limit, inferred message)', async () => {
      const before = await h.rowCounts();
      const pat = await h.gql(CREATE_PAT, { input: { name: 'n', description: long, scopes: ['api'] } }, { token: w.pat.dev });
      expect(pat.data.personalAccessTokenCreate).toMatchObject({ errors: ['Description is too long (maximum is 255 characters)'], token: null });
      expect(await h.rowCounts()).toEqual(before);
    });

    it('255 characters, counted as characters rather than UTF-16 units, are fine', async () => {
      const name = '😀'.repeat(255);
      const pat = await h.gql(CREATE_PAT, { input: { name, description: 'é'.repeat(255), scopes: ['self_rotate'] } }, { token: w.pat.dev });
      expectOk(pat);
      expect(pat.data.personalAccessTokenCreate.errors).toEqual([]);
    });

    it('an expiresAt in the past is refused with GitLab\'s FutureDateValidator message, nothing written (inferred for tokens)', async () => {
      const before = await h.rowCounts();
      const pat = await h.gql(CREATE_PAT, { input: { name: 'old', scopes: ['api'], expiresAt: day(-1) } }, { token: w.pat.dev });
      expect(pat.data.personalAccessTokenCreate).toMatchObject({ errors: ['Expires at cannot be a date in the past'], token: null });
      const project = await h.gql(CREATE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, name: 'old', scopes: ['api'], expiresAt: '2000-01-01' } }, { token: w.pat.maint });
      expect(project.data.projectAccessTokenCreate).toMatchObject({ errors: ['Expires at cannot be a date in the past'], token: null });

      const mine = await h.createPat(w.dev, ['api'], { name: 'to rotate', expiresAt: day(30) });
      const counts = await h.rowCounts();
      const rotate = await h.gql(ROTATE_PAT, { input: { id: patGid(mine.token.id), expiresAt: day(-3) } }, { token: w.pat.dev });
      expect(rotate.data.personalAccessTokenRotate).toMatchObject({ errors: ['Expires at cannot be a date in the past'], token: null });
      expect(await h.rowCounts()).toEqual(counts);
      expect(before.tokens + 1).toBe(counts.tokens);
    });

    it('today is not in the past (GitLab compares with `<`)', async () => {
      const pat = await h.gql(CREATE_PAT, { input: { name: 'today', scopes: ['self_rotate'], expiresAt: day(0) } }, { token: w.pat.dev });
      expect(pat.data.personalAccessTokenCreate.errors).toEqual([]);
    });
  });
});
