import { startHarness, type Harness } from '../helpers/harness';

/**
 * `projects { count }` and REST's `X-Total` are counted in parts that no two projects share (visible
 * by level; hidden but reached through a membership of the project; hidden and reached only through a
 * group), so that the database can answer each from an index. Whatever the viewer, the sum must be
 * the number of projects the page itself lists, which is filtered by the single visibility condition.
 *
 *   top (internal) > sub (private)     other (public)      pub (public)     int (internal)
 *   top: t1 private, t2 internal       other: o1 private   pub: p1 private  int: i1 internal
 *   sub: s1 private, s2 private        o2 public           p2 public        i2 private
 *
 * dev: developer of `top`, maintainer of s1 (also reached through `top`: counted once), guest of o1, and
 * developer of i2 until a day that has passed; ext: an external user with the same roles on o1 and
 * of `sub`; out: no role at all.
 */
describe('project counts in parts', () => {
  let h: Harness;
  const tokens: Record<string, string | undefined> = {};

  beforeAll(async () => {
    h = await startHarness();
    const owner = await h.createUser('owner');
    const dev = await h.createUser('dev');
    const ext = await h.createUser('ext', { external: true });
    const out = await h.createUser('out');
    const admin = await h.createUser('root', { admin: true });
    const groups = {
      top: await h.createGroup('top', { visibility: 'internal', owner }),
      sub: await h.createGroup('sub', { parent: 'top', owner }),
      other: await h.createGroup('other', { visibility: 'public', owner }),
      pub: await h.createGroup('pub', { visibility: 'public', owner }),
      int: await h.createGroup('int', { visibility: 'internal', owner }),
    };
    const make = (path: string, ns: string, visibility: string) => h.createProject(path, ns, { visibility });
    await make('t1', 'top', 'private');
    await make('t2', 'top', 'internal');
    const s1 = await make('s1', 'top/sub', 'private');
    await make('s2', 'top/sub', 'private');
    const o1 = await make('o1', 'other', 'private');
    await make('o2', 'other', 'public');
    await make('p1', 'pub', 'private');
    await make('p2', 'pub', 'public');
    await make('i1', 'int', 'internal');
    const i2 = await make('i2', 'int', 'private');

    await h.addMember({ group: groups.top }, dev, 'developer');
    await h.addMember({ project: s1 }, dev, 'maintainer');
    await h.addMember({ project: o1 }, dev, 'guest');
    await h.addMember({ project: i2 }, dev, 'developer', '2026-01-20');
    await h.addMember({ project: o1 }, ext, 'guest');
    await h.addMember({ group: groups.sub }, ext, 'reporter');
    // dev's membership of i2 ends on the 20th: from then on it counts as none.
    h.clock.set('2026-01-25T12:00:00.000Z');

    for (const [name, user] of Object.entries({ dev, ext, out, root: admin, owner })) tokens[name] = (await h.createPat(user, ['api'])).secret;
    tokens.anonymous = undefined;
  });
  afterAll(() => h.close());

  /** Every project the viewer's list holds, paged through. */
  async function listed(token: string | undefined, filter = ''): Promise<string[]> {
    const paths: string[] = [];
    let after: string | null = null;
    for (;;) {
      const r: any = await h.gql(`query($after: String) { projects(first: 3, after: $after${filter}) { nodes { fullPath } pageInfo { hasNextPage endCursor } } }`, { after }, { token });
      expect(r.errors).toBeUndefined();
      paths.push(...r.data.projects.nodes.map((n: { fullPath: string }) => n.fullPath));
      if (!r.data.projects.pageInfo.hasNextPage) return paths.sort();
      after = r.data.projects.pageInfo.endCursor;
    }
  }

  async function counted(token: string | undefined, filter = ''): Promise<{ count: number; c2: number }> {
    const r: any = await h.gql(`{ projects(first: 1${filter}) { count c2: count(limit: 2) } }`, {}, { token });
    expect(r.errors).toBeUndefined();
    return r.data.projects;
  }

  const viewers = ['dev', 'ext', 'out', 'anonymous', 'root', 'owner'];

  it.each(viewers)('counts exactly the projects %s is listed', async (viewer) => {
    const paths = await listed(tokens[viewer]);
    expect(await counted(tokens[viewer])).toEqual({ count: paths.length, c2: Math.min(paths.length, 3) });
  });

  it('lists what each role reaches, each project once', async () => {
    expect(await listed(tokens.dev)).toEqual(['int/i1', 'other/o1', 'other/o2', 'pub/p2', 'top/sub/s1', 'top/sub/s2', 'top/t1', 'top/t2']);
    // An external user sees public projects and those of their memberships, not internal ones.
    expect(await listed(tokens.ext)).toEqual(['other/o1', 'other/o2', 'pub/p2', 'top/sub/s1', 'top/sub/s2']);
    expect(await listed(tokens.anonymous)).toEqual(['other/o2', 'pub/p2']);
  });

  it('counts the filtered list with the same filters', async () => {
    for (const viewer of viewers) {
      for (const filter of [', search: "1"', ', membership: true', ', visibilityLevel: private']) {
        const paths = await listed(tokens[viewer], filter);
        expect({ viewer, filter, count: (await counted(tokens[viewer], filter)).count }).toEqual({ viewer, filter, count: paths.length });
      }
    }
  });

  it('gives REST the same total as GraphQL', async () => {
    for (const viewer of viewers) {
      const token = tokens[viewer];
      const res = await h.rest('GET', '/projects?per_page=2', token);
      expect(res.status).toBe(200);
      expect({ viewer, total: res.headers['x-total'] }).toEqual({ viewer, total: String((await listed(token)).length) });
    }
  });
});
