/**
 * Issue 10, `labgate seed --scale N`: a realistic instance written in bulk, whose printed tokens work over
 * GraphQL and whose rows keep the rules the services enforce (visibility caps, traversal ids, paths).
 */
import { useHarness } from '../helpers/harness';

describe('labgate seed', () => {
  const h = useHarness();
  let seeded: any;

  const rows = (sql: string) => h.app.dataSource.query(sql) as Promise<any[]>;
  const count = async (sql: string) => Number((await rows(sql))[0].n);

  beforeAll(async () => {
    const res = await h.cli(['seed', '--scale', '300']);
    expect(res.err).toMatch(/seeding: 100%/);
    expect(res.code).toBe(0);
    seeded = res.json;
  });

  it('prints counts, ready tokens and paths as JSON', () => {
    expect(seeded).toMatchObject({ seed: 1, projects: 300, users: 30 });
    expect(seeded.groups).toBeGreaterThanOrEqual(20);
    expect(seeded.bots).toBeGreaterThan(0);
    expect(typeof seeded.seconds).toBe('number');
    for (const token of Object.values(seeded.tokens)) expect(token).toMatch(/^glpat-[A-Za-z0-9_-]{20}$/);
    for (const path of Object.values(seeded.paths)) expect(path).toMatch(/^seed1-/);
  });

  it('writes the rows it reports', async () => {
    expect(await count(`SELECT COUNT(*) AS n FROM projects`)).toBe(300);
    expect(await count(`SELECT COUNT(*) AS n FROM namespaces WHERE type = 'Group'`)).toBe(seeded.groups);
    expect(await count(`SELECT COUNT(*) AS n FROM users WHERE user_type = 'human'`)).toBe(seeded.users);
    expect(await count(`SELECT COUNT(*) AS n FROM users WHERE user_type = 'project_bot'`)).toBe(seeded.bots);
    expect(await count(`SELECT COUNT(*) AS n FROM members`)).toBe(seeded.memberships);
    expect(await count(`SELECT COUNT(*) AS n FROM personal_access_tokens`)).toBe(seeded.accessTokens);
    // Every human has a personal namespace; bots have none.
    expect(await count(`SELECT COUNT(*) AS n FROM namespaces WHERE type = 'User'`)).toBe(seeded.users);
    // Humans of every kind.
    expect(await count(`SELECT COUNT(*) AS n FROM users WHERE admin = true`)).toBe(2);
    // Memberships at every level, with several roles, some expiring.
    const levels = await rows(`SELECT DISTINCT m.source_type AS type, n.parent_id IS NULL AS top FROM members m LEFT JOIN namespaces n ON m.source_type = 'Namespace' AND n.id = m.source_id`);
    expect(levels.length).toBe(3); // projects, top-level groups, subgroups
    expect(await count(`SELECT COUNT(DISTINCT access_level) AS n FROM members`)).toBeGreaterThanOrEqual(5);
    expect(await count(`SELECT COUNT(*) AS n FROM members WHERE expires_at IS NOT NULL`)).toBeGreaterThan(0);
    expect(await count(`SELECT COUNT(DISTINCT visibility_level) AS n FROM projects`)).toBe(3);
  });

  it('keeps every project and subgroup within its group visibility', async () => {
    expect(await count(`SELECT COUNT(*) AS n FROM projects p JOIN namespaces n ON n.id = p.namespace_id WHERE n.type = 'Group' AND p.visibility_level > n.visibility_level`)).toBe(0);
    expect(await count(`SELECT COUNT(*) AS n FROM namespaces c JOIN namespaces p ON p.id = c.parent_id WHERE c.visibility_level > p.visibility_level`)).toBe(0);
  });

  it('writes traversal ids, full paths and full names that follow the parent chain', async () => {
    const groups = await rows(`SELECT id, parent_id, path, full_path, full_name, name, traversal_ids FROM namespaces`);
    const byId = new Map(groups.map((g) => [Number(g.id), g]));
    for (const g of groups) {
      const parent = g.parent_id === null ? null : byId.get(Number(g.parent_id))!;
      expect(g.traversal_ids).toBe(`${parent ? parent.traversal_ids : ''}${g.id}/`);
      expect(g.full_path).toBe(parent ? `${parent.full_path}/${g.path}` : g.path);
      expect(g.full_name).toBe(parent ? `${parent.full_name} / ${g.name}` : g.name);
    }
    expect(Math.max(...groups.map((g) => g.traversal_ids.split('/').length - 1))).toBe(4);
    expect(await count(`SELECT COUNT(*) AS n FROM projects p JOIN namespaces n ON n.id = p.namespace_id WHERE p.full_path <> n.full_path || '/' || p.path`)).toBe(0);
    // Each bot is a member of exactly one project or group.
    expect(await count(`SELECT COUNT(*) AS n FROM users u WHERE u.user_type = 'project_bot' AND (SELECT COUNT(*) FROM members m WHERE m.user_id = u.id) <> 1`)).toBe(0);
  });

  it('prints tokens that authenticate as their users', async () => {
    const whoami = async (token: string) => (await h.gql('{ currentUser { username } }', undefined, { token })).data?.currentUser?.username;
    expect(await whoami(seeded.tokens.admin)).toBe(seeded.usernames.admin);
    expect(await whoami(seeded.tokens.member)).toBe(seeded.usernames.member);
    expect(await whoami(seeded.tokens.outsider)).toBe(seeded.usernames.outsider);
    expect(await whoami(seeded.tokens.projectBot)).toMatch(/^project_\d+_bot_/);
    expect(await whoami(seeded.tokens.groupBot)).toMatch(/^group_\d+_bot_/);
  });

  it('hands out a private project the member sees and the outsider does not', async () => {
    const query = 'query($p: ID!) { project(fullPath: $p) { fullPath visibility } }';
    const asMember = await h.gql(query, { p: seeded.paths.project }, { token: seeded.tokens.member });
    expect(asMember.data.project).toEqual({ fullPath: seeded.paths.project, visibility: 'private' });
    const asOutsider = await h.gql(query, { p: seeded.paths.project }, { token: seeded.tokens.outsider });
    expect(asOutsider.data.project).toBeNull();
    const deep = await h.gql(query, { p: seeded.paths.deepProject }, { token: seeded.tokens.member });
    expect(deep.data.project.fullPath).toBe(seeded.paths.deepProject);
  });

  it("lists a group's projects through GraphQL, subgroups included", async () => {
    const query = `query($g: ID!, $after: String) { group(fullPath: $g) { projects(includeSubgroups: true, first: 100, after: $after) {
      nodes { fullPath visibility } pageInfo { hasNextPage endCursor } } } }`;
    const listed: Array<{ fullPath: string; visibility: string }> = [];
    let after: string | null = null;
    for (;;) {
      const res: any = await h.gql(query, { g: seeded.paths.group, after }, { token: seeded.tokens.admin });
      expect(res.errors).toBeUndefined();
      listed.push(...res.data.group.projects.nodes);
      if (!res.data.group.projects.pageInfo.hasNextPage) break;
      after = res.data.group.projects.pageInfo.endCursor;
    }
    const expected = await rows(`SELECT p.full_path FROM projects p JOIN namespaces n ON n.id = p.namespace_id WHERE n.full_path = '${seeded.paths.group}' OR n.full_path LIKE '${seeded.paths.group}/%'`);
    expect(listed.map((p) => p.fullPath).sort()).toEqual(expected.map((r) => r.full_path).sort());
    expect(listed.some((p) => p.fullPath === seeded.paths.deepProject)).toBe(true);
    expect(new Set(listed.map((p) => p.visibility)).size).toBe(3);
    expect(listed.filter((p) => p.visibility === 'private').length).toBeGreaterThan(0);
  });

  it('refuses to seed the same names twice, and writes nothing', async () => {
    const before = await count(`SELECT COUNT(*) AS n FROM projects`);
    const res = await h.cli(['seed', '--scale', '10']);
    expect(res.code).toBe(1);
    expect(res.err).toMatch(/already has users or groups named seed1-\*.*another --seed/);
    expect(await count(`SELECT COUNT(*) AS n FROM projects`)).toBe(before);
  });

  it('seeds beside an earlier seed with another --seed, continuing the ids', async () => {
    const res = await h.cli(['seed', '--scale', '20', '--seed', '2']);
    expect(res.code).toBe(0);
    expect(res.json.paths.group).toBe('seed2-org-0');
    expect(await count(`SELECT COUNT(*) AS n FROM projects`)).toBe(320);
    const res2 = await h.gql('{ currentUser { username } }', undefined, { token: res.json.tokens.member });
    expect(res2.data.currentUser.username).toBe('seed2-member');
    // A row written afterwards through the services gets a fresh id (sequences advanced on PostgreSQL).
    const user = await h.createUser('after-seed');
    expect(user.id).toBeGreaterThan(await count(`SELECT MAX(id) AS n FROM users WHERE id <> ${user.id}`));
  });

  it('checks its options', async () => {
    expect((await h.cli(['seed'])).code).toBe(2);
    const res = await h.cli(['seed', '--scale', 'many']);
    expect(res.code).toBe(2);
    expect(res.err).toMatch(/--scale must be a positive whole number/);
  });
});
