import { useHarness } from '../helpers/harness';
import type { User } from '../../src/modules/user/user.entity';
import type { Project } from '../../src/modules/project/project.entity';

/**
 * Relay connections as GitLab serves them: nodes, edges with cursors, pageInfo, first/last/after/before
 * over keyset pages, page sizes clamped to 100, and GitLab's errors and pageInfo rules
 * (docs/reference/gitlab-graphql.md §4).
 */
describe('pagination', () => {
  const h = useHarness();
  let owner: User;
  let ownerToken: string;
  const bulk: Project[] = [];

  interface Page {
    nodes: Array<{ key: string }>;
    edges: Array<{ cursor: string; node: { key: string } }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  }

  /**
   * A connection under test: `fetch(args)` runs the query with the page arguments spliced in and
   * returns the connection with each node reduced to a `key`.
   */
  type Fetch = (pageArgs: string) => Promise<Page>;

  async function projectsConnection(pageArgs: string, extra = ''): Promise<Page> {
    const args = [extra, pageArgs].filter(Boolean).join(', ');
    const res = await h.gql(
      `{ projects(${args}) { nodes { key: fullPath } edges { cursor node { key: fullPath } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
      {},
      { token: ownerToken },
    );
    expect(res.errors).toBeUndefined();
    return res.data.projects;
  }

  /** Walks forwards with `first: size` and backwards with `last: size`; both must give `expected`. */
  async function walkBothWays(fetch: Fetch, size: number, expected: string[]) {
    const forward: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: Page = await fetch(`first: ${size}${after ? `, after: "${after}"` : ''}`);
      pages += 1;
      expect(page.nodes.length).toBeLessThanOrEqual(size);
      expect(page.edges.map((e) => e.node)).toEqual(page.nodes);
      expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
      expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1]?.cursor ?? null);
      expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
      forward.push(...page.nodes.map((n) => n.key));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      expect(pages).toBeLessThan(50);
    }
    expect(forward).toEqual(expected);
    expect(pages).toBe(Math.max(1, Math.ceil(expected.length / size)));

    const backward: string[] = [];
    let before: string | null = null;
    pages = 0;
    for (;;) {
      const page: Page = await fetch(`last: ${size}${before ? `, before: "${before}"` : ''}`);
      pages += 1;
      expect(page.nodes.length).toBeLessThanOrEqual(size);
      expect(page.pageInfo.hasNextPage).toBe(before !== null);
      backward.unshift(...page.nodes.map((n) => n.key));
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
      expect(pages).toBeLessThan(50);
    }
    expect(backward).toEqual(expected);
  }

  beforeAll(async () => {
    owner = await h.createUser('owner');
    ownerToken = (await h.createPat(owner, ['read_api'])).secret;
    await h.app.services.groups.create(h.system(), { path: 'bulk', visibility: 'public' }, owner);
    await h.app.services.groups.create(h.system(), { path: 'few', visibility: 'public' }, owner);
    // 150 projects in "bulk" for the page-size limits. Names repeat (ten of each), so that sorting by
    // name needs the id tie-breaker; timestamps repeat in blocks of 30.
    for (let i = 0; i < 150; i += 1) {
      if (i % 30 === 0) h.clock.advance(60_000);
      bulk.push(
        await h.app.services.projects.create(h.system(), {
          path: `p${String(i).padStart(3, '0')}`,
          name: `Name ${String.fromCharCode(97 + (i % 15))}`,
          namespace: 'bulk',
          visibility: 'public',
        }),
      );
    }
    for (const path of ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf']) {
      h.clock.advance(60_000);
      await h.app.services.projects.create(h.system(), { path, namespace: 'few', visibility: 'public' });
    }
  });

  const fewProjects = (pageArgs: string, sort = 'id_asc') => projectsConnection(pageArgs, `namespacePath: "few", sort: "${sort}"`);

  describe('the connection shape', () => {
    it('gives nodes, edges with opaque cursors, and pageInfo', async () => {
      const page = await fewProjects('first: 3');
      expect(page.nodes.map((n) => n.key)).toEqual(['few/alpha', 'few/bravo', 'few/charlie']);
      expect(page.edges.map((e) => e.node.key)).toEqual(['few/alpha', 'few/bravo', 'few/charlie']);
      for (const edge of page.edges) expect(edge.cursor).toMatch(/^[A-Za-z0-9_-]+={0,2}$/);
      expect(new Set(page.edges.map((e) => e.cursor)).size).toBe(3);
      expect(page.pageInfo).toEqual({
        hasNextPage: true,
        hasPreviousPage: false,
        startCursor: page.edges[0].cursor,
        endCursor: page.edges[2].cursor,
      });
    });

    it('gives null cursors and no further pages for an empty list', async () => {
      const page = await projectsConnection('first: 5', 'namespacePath: "no-such-namespace"');
      expect(page).toEqual({ nodes: [], edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } });
    });
  });

  describe('walking pages', () => {
    it('covers a list forwards and backwards without duplicates or gaps (id order)', async () => {
      const all = ['few/alpha', 'few/bravo', 'few/charlie', 'few/delta', 'few/echo', 'few/foxtrot', 'few/golf'];
      for (const size of [1, 2, 3, 7, 10]) await walkBothWays((a) => fewProjects(a), size, all);
      await walkBothWays((a) => fewProjects(a, 'id_desc'), 3, [...all].reverse());
    });

    it('covers a list sorted on a repeated value, where only the id tells rows apart (name order)', async () => {
      const expected = [...bulk]
        .sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id)
        .map((p) => p.fullPath);
      const fetch = (a: string) => projectsConnection(a, 'namespacePath: "bulk", sort: "name_asc"');
      await walkBothWays(fetch, 40, expected);
      await walkBothWays(fetch, 7, expected);
    });

    it('covers a list sorted on a timestamp shared by blocks of rows, descending', async () => {
      const expected = [...bulk].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id).map((p) => p.fullPath);
      await walkBothWays((a) => projectsConnection(a, 'namespacePath: "bulk", sort: "created_desc"'), 45, expected);
    });

    it('covers a list sorted on a column of a joined table (members by user full name)', async () => {
      const group = await h.app.services.groups.create(h.system(), { path: 'crew', visibility: 'public' }, owner);
      const names = ['Zed', 'amy', 'Bob', 'bob', 'Cleo', 'amy', 'Dan', 'Bob'];
      for (const [i, name] of names.entries()) {
        const user = await h.createUser(`crew${i}`, { name });
        await h.addMember({ group }, user, 'developer');
      }
      const fetch = async (pageArgs: string): Promise<Page> => {
        const res = await h.gql(
          `{ group(fullPath: "crew") { groupMembers(sort: USER_FULL_NAME_ASC, ${pageArgs}) {
            nodes { key: id } edges { cursor node { key: id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`,
        );
        expect(res.errors).toBeUndefined();
        return res.data.group.groupMembers;
      };
      const everything = (await fetch('first: 100')).nodes.map((n) => n.key);
      expect(everything).toHaveLength(names.length + 1);
      const full = await h.gql('{ group(fullPath: "crew") { groupMembers(sort: USER_FULL_NAME_ASC) { nodes { user { name } } } } }');
      const seenNames = full.data.group.groupMembers.nodes.map((n: any) => n.user.name.toLowerCase());
      expect(seenNames).toEqual([...seenNames].sort());
      for (const size of [1, 2, 3, 4]) await walkBothWays(fetch, size, everything);
    });

    it('covers a list sorted on a nullable column (tokens by last use; never-used tokens have none)', async () => {
      const user = await h.createUser('tokens');
      const secrets: string[] = [];
      for (let i = 0; i < 7; i += 1) secrets.push((await h.createPat(user, ['read_api'], { name: `t${i}` })).secret);
      // Use t1, t4 and t5, at different times; the others stay unused (lastUsedAt null).
      for (const i of [4, 1, 5]) {
        h.clock.advance(15 * 60_000);
        expect((await h.gql('{ currentUser { username } }', {}, { token: secrets[i] })).status).toBe(200);
      }
      // An administrator lists them, so that listing does not itself use one of the tokens.
      const admin = await h.createUser('pager-admin', { admin: true });
      const token = (await h.createPat(admin, ['read_api'])).secret;
      const listed = async (sort: string, pageArgs: string): Promise<Page> => {
        const res = await h.gql(
          `{ user(username: "tokens") { personalAccessTokens(sort: ${sort}, ${pageArgs}) {
            nodes { key: name } edges { cursor node { key: name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`,
          {},
          { token },
        );
        expect(res.errors).toBeUndefined();
        return res.data.user.personalAccessTokens;
      };
      const descending = (await listed('LAST_USED_DESC', 'first: 100')).nodes.map((n) => n.key);
      const ascending = (await listed('LAST_USED_ASC', 'first: 100')).nodes.map((n) => n.key);
      // Used tokens in order of use; unused ones after them ascending (nulls last, as PostgreSQL orders; inferred).
      expect(ascending.slice(0, 3)).toEqual(['t4', 't1', 't5']);
      expect(new Set(ascending.slice(3))).toEqual(new Set(['t0', 't2', 't3', 't6']));
      expect(descending.slice(-3)).toEqual(['t5', 't1', 't4']);
      for (const size of [1, 2, 3]) {
        await walkBothWays((a) => listed('LAST_USED_ASC', a), size, ascending);
        await walkBothWays((a) => listed('LAST_USED_DESC', a), size, descending);
      }
    });
  });

  describe('page size', () => {
    it('is 100 when neither first nor last is given', async () => {
      const page = await projectsConnection('', 'namespacePath: "bulk"');
      expect(page.nodes).toHaveLength(100);
      expect(page.pageInfo.hasNextPage).toBe(true);
    });

    it('is clamped to 100 without an error', async () => {
      const res = await h.gql('{ projects(namespacePath: "bulk", first: 500) { count nodes { fullPath } pageInfo { hasNextPage } } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.projects.nodes).toHaveLength(100);
      expect(res.data.projects.count).toBe(150);
      expect(res.data.projects.pageInfo.hasNextPage).toBe(true);
      const back = await h.gql('{ projects(namespacePath: "bulk", last: 1000) { nodes { fullPath } pageInfo { hasPreviousPage } } }');
      expect(back.data.projects.nodes).toHaveLength(100);
      expect(back.data.projects.pageInfo.hasPreviousPage).toBe(true);
    });

    it('reaches every row in pages of 100', async () => {
      const first = await projectsConnection('first: 100', 'namespacePath: "bulk", sort: "id_asc"');
      const second = await projectsConnection(`first: 100, after: "${first.pageInfo.endCursor}"`, 'namespacePath: "bulk", sort: "id_asc"');
      expect(second.nodes).toHaveLength(50);
      expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
      expect([...first.nodes, ...second.nodes].map((n) => n.key)).toEqual(bulk.map((p) => p.fullPath));
    });

    it('gives an empty page for first: 0', async () => {
      const page = await fewProjects('first: 0');
      expect(page.nodes).toEqual([]);
    });
  });

  describe('pageInfo as GitLab computes it', () => {
    it('first page with first: hasPreviousPage false, hasNextPage when more rows follow', async () => {
      expect((await fewProjects('first: 3')).pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
      expect((await fewProjects('first: 7')).pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
    });

    it('any page after a cursor: hasPreviousPage true, even when nothing follows', async () => {
      const start = await fewProjects('first: 6');
      const last = await fewProjects(`first: 6, after: "${start.pageInfo.endCursor}"`);
      expect(last.nodes.map((n) => n.key)).toEqual(['few/golf']);
      expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      const beyond = await fewProjects(`first: 6, after: "${last.pageInfo.endCursor}"`);
      expect(beyond.nodes).toEqual([]);
      expect(beyond.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false, startCursor: null, endCursor: null });
    });

    it('last without before: hasNextPage false, hasPreviousPage when more rows come before', async () => {
      const tail = await fewProjects('last: 2');
      expect(tail.nodes.map((n) => n.key)).toEqual(['few/foxtrot', 'few/golf']);
      expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      expect((await fewProjects('last: 7')).pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: false });
    });

    it('any page before a cursor: hasNextPage true', async () => {
      const tail = await fewProjects('last: 2');
      const previous = await fewProjects(`last: 2, before: "${tail.pageInfo.startCursor}"`);
      expect(previous.nodes.map((n) => n.key)).toEqual(['few/delta', 'few/echo']);
      expect(previous.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
      const head = await fewProjects('first: 1');
      const nothing = await fewProjects(`last: 3, before: "${head.pageInfo.startCursor}"`);
      expect(nothing.nodes).toEqual([]);
      expect(nothing.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    });

    it('first with before gives the first rows before the cursor', async () => {
      const tail = await fewProjects('last: 2');
      const page = await fewProjects(`first: 2, before: "${tail.pageInfo.startCursor}"`);
      expect(page.nodes.map((n) => n.key)).toEqual(['few/alpha', 'few/bravo']);
      expect(page.pageInfo.hasNextPage).toBe(true);
    });

    it('after and before together give the rows between them', async () => {
      const all = await fewProjects('first: 7');
      const page = await fewProjects(`after: "${all.edges[1].cursor}", before: "${all.edges[5].cursor}"`);
      expect(page.nodes.map((n) => n.key)).toEqual(['few/charlie', 'few/delta', 'few/echo']);
      expect(page.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    });
  });

  describe('argument errors', () => {
    it("refuses first with last with GitLab's message", async () => {
      const res = await h.gql('{ projects(first: 2, last: 2) { nodes { fullPath } } }');
      expect(res.status).toBe(200);
      expect(res.errors?.map((e) => e.message)).toEqual(['Can only provide either `first` or `last`, not both']);
      expect(res.errors?.[0].path).toEqual(['projects']);
      expect(res.data).toEqual({ projects: null });
    });

    it('refuses first with last on nested connections too', async () => {
      const res = await h.gql('{ group(fullPath: "few") { projects(first: 1, last: 1) { nodes { fullPath } } } }');
      expect(res.errors?.map((e) => e.message)).toEqual(['Can only provide either `first` or `last`, not both']);
      expect(res.errors?.[0].path).toEqual(['group', 'projects']);
    });

    it("refuses a cursor it cannot decode with GitLab's message", async () => {
      for (const cursor of ['not a cursor', 'eyJpZCI6', Buffer.from('"just a string"').toString('base64url'), Buffer.from('{"id":"abc"}').toString('base64url')]) {
        const res = await h.gql('query($c: String) { projects(after: $c) { nodes { fullPath } } }', { c: cursor });
        expect(res.errors?.map((e) => e.message)).toEqual(['Please provide a valid cursor']);
        expect(res.data).toEqual({ projects: null });
      }
      const before = await h.gql('{ projects(before: "%%%") { nodes { fullPath } } }');
      expect(before.errors?.map((e) => e.message)).toEqual(['Please provide a valid cursor']);
    });

    it('refuses a cursor made for another sort order', async () => {
      const byId = await fewProjects('first: 1');
      const res = await h.gql(`{ projects(sort: "name_asc", after: "${byId.pageInfo.endCursor}") { nodes { fullPath } } }`);
      expect(res.errors?.map((e) => e.message)).toEqual(['Please provide a valid cursor']);
    });

    it('treats after: "" (what GitLab\'s frontend sends) as no cursor, and first: null as no size', async () => {
      const res = await h.gql('query($a: String, $f: Int) { projects(namespacePath: "few", sort: "id_asc", after: $a, first: $f) { nodes { fullPath } pageInfo { hasPreviousPage } } }', {
        a: '',
        f: null,
      });
      expect(res.errors).toBeUndefined();
      expect(res.data.projects.nodes).toHaveLength(7);
      expect(res.data.projects.pageInfo.hasPreviousPage).toBe(false);
      const before = await fewProjects('before: "", first: 2');
      expect(before.nodes.map((n) => n.key)).toEqual(['few/alpha', 'few/bravo']);
      expect(before.pageInfo.hasNextPage).toBe(true);
    });

    it('refuses a negative page size (message not verified against GitLab)', async () => {
      const res = await h.gql('{ projects(first: -1) { nodes { fullPath } } }');
      expect(res.errors).toHaveLength(1);
      expect(res.data).toEqual({ projects: null });
    });
  });
});
