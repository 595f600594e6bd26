import { startHarness, type Harness } from '../helpers/harness';
import { User } from '../../src/modules/user/user.entity';
import type { Project } from '../../src/modules/project/project.entity';

/**
 * `Project.autocompleteUsers` and `Group.autocompleteUsers`: active members (direct or through a group
 * above) matching a search, best matches first, at most 20; one statement per search text however
 * many projects ask.
 *
 *   acme (public; olivia Owner, gus Maintainer)
 *     team (public; dave Developer, Alan Davey (davey) Reporter, bob Developer then blocked)
 *       app (public project; erin Guest, pia Guest (public e-mail pia@example.com), hal Guest expired, ghost)
 *   priv (private group; olivia Owner) with priv/x (private project)
 *   crowd (public; 22 members) with crowd/p0..p5 (public projects)
 */
describe('autocompleteUsers', () => {
  let h: Harness;
  let counting = false;
  let statements: string[] = [];
  const tokens: Record<string, string> = {};
  let app: Project;

  beforeAll(async () => {
    h = await startHarness({ onQuery: (sql) => (counting ? statements.push(sql) : undefined) });
    const u: Record<string, User> = {};
    for (const [username, name] of [
      ['olivia', 'Olivia Owner'],
      ['gus', 'Gus Grant'],
      ['dave', 'Dave Diaz'],
      ['davey', 'Alan Davey'],
      ['bob', 'Bob Blocked'],
      ['erin', 'Erin Evans'],
      ['hal', 'Hal Hill'],
      ['ghost', 'Ghost User'],
      ['oscar', 'Oscar Out'],
    ]) {
      u[username] = await h.createUser(username, { name });
    }
    u.pia = await h.app.services.users.create(h.system(), { username: 'pia', name: 'Pia Public', publicEmail: 'pia@example.com' });
    for (const who of ['olivia', 'oscar', 'erin']) tokens[who] = (await h.createPat(u[who], ['read_api'])).secret;

    const acme = await h.createGroup('acme', { visibility: 'public', owner: u.olivia });
    const team = await h.createGroup('team', { parent: 'acme', visibility: 'public' });
    app = await h.createProject('app', 'acme/team', { visibility: 'public' });
    await h.addMember({ group: acme }, u.gus, 'maintainer');
    await h.addMember({ group: team }, u.dave, 'developer');
    await h.addMember({ group: team }, u.davey, 'reporter');
    await h.addMember({ group: team }, u.bob, 'developer');
    await h.addMember({ project: app }, u.erin, 'guest');
    await h.addMember({ project: app }, u.pia, 'guest');
    await h.addMember({ project: app }, u.hal, 'guest', '2026-01-16');
    await h.addMember({ project: app }, u.ghost, 'guest');
    await h.app.services.users.update(h.system(), u.bob, { state: 'blocked' });
    await h.app.dataSource.getRepository(User).update(u.ghost.id, { userType: 'ghost' });

    await h.createGroup('priv', { visibility: 'private', owner: u.olivia });
    await h.createProject('x', 'priv', { visibility: 'private' });

    const crowd = await h.createGroup('crowd', { visibility: 'public' });
    for (let i = 0; i < 22; i += 1) await h.addMember({ group: crowd }, await h.createUser(`m${String(i).padStart(2, '0')}`, { name: `Member ${String(i).padStart(2, '0')}` }), 'reporter');
    for (let i = 0; i < 6; i += 1) await h.createProject(`p${i}`, 'crowd', { visibility: 'public' });
    // Hal's membership ends on the 16th.
    h.clock.advance(2 * 86_400_000);
    // First use of each token writes its last-used time: count steady-state requests only.
    for (const token of Object.values(tokens)) await h.gql('{ currentUser { id } }', {}, { token });
  });
  afterAll(() => h.close());

  async function project(path: string, args = '', who?: string) {
    const res = await h.gql(
      `query($path: ID!) { project(fullPath: $path) { autocompleteUsers${args ? `(${args})` : ''} { __typename id username name publicEmail } } }`,
      { path },
      who ? { token: tokens[who] } : {},
    );
    expect(res.errors).toBeUndefined();
    return res.data.project && res.data.project.autocompleteUsers.map((x: any) => x.username);
  }

  async function group(path: string, args = '', who?: string) {
    const res = await h.gql(
      `query($path: ID!) { group(fullPath: $path) { autocompleteUsers${args ? `(${args})` : ''} { __typename username } } }`,
      { path },
      who ? { token: tokens[who] } : {},
    );
    expect(res.errors).toBeUndefined();
    return res.data.group && res.data.group.autocompleteUsers.map((x: any) => x.username);
  }

  it("offers the project's active members, direct and inherited, by name: no blocked, expired, internal or outside account", async () => {
    const res = await h.gql('{ project(fullPath: "acme/team/app") { autocompleteUsers { __typename id username name } } }', {}, { token: tokens.oscar });
    expect(res.errors).toBeUndefined();
    expect(res.data.project.autocompleteUsers[0]).toEqual({ __typename: 'AutocompletedUser', id: expect.stringMatching(/^gid:\/\/gitlab\/User\/\d+$/), username: 'davey', name: 'Alan Davey' });
    expect(await project('acme/team/app', '', 'oscar')).toEqual(['davey', 'dave', 'erin', 'gus', 'olivia', 'pia']);
  });

  it('searches names, usernames and whole public e-mail addresses, exact matches first', async () => {
    expect(await project('acme/team/app', 'search: "diaz"')).toEqual(['dave']);
    // `dave` is the exact username: before Alan Davey, who sorts first by name.
    expect(await project('acme/team/app', 'search: "DAVE"')).toEqual(['dave', 'davey']);
    expect(await project('acme/team/app', 'search: "pia@example.com"')).toEqual(['pia']);
    expect(await project('acme/team/app', 'search: "example.com"')).toEqual([]);
    expect(await project('acme/team/app', 'search: "oscar"')).toEqual([]);
    expect(await project('acme/team/app', 'search: "  "')).toHaveLength(6);
    // `%` and `_` are matched as themselves.
    expect(await project('acme/team/app', 'search: "%"')).toEqual([]);
  });

  it("offers a group's members and those of the groups above it, not the members of its projects", async () => {
    expect(await group('acme/team')).toEqual(['davey', 'dave', 'gus', 'olivia']);
    expect(await group('acme')).toEqual(['gus', 'olivia']);
    expect(await group('acme/team', 'search: "gr"')).toEqual(['gus']);
  });

  it('answers at most 20 users', async () => {
    const all = await group('crowd');
    expect(all).toHaveLength(20);
    expect(all[0]).toBe('m00');
    expect(all[19]).toBe('m19');
    expect(await group('crowd', 'search: "member 21"')).toEqual(['m21']);
  });

  it('answers nothing about a project or group the viewer cannot see, and works for those who can', async () => {
    expect(await project('priv/x', '', 'oscar')).toBeNull();
    expect(await group('priv', '', 'oscar')).toBeNull();
    expect(await project('priv/x')).toBeNull();
    expect(await project('priv/x', '', 'olivia')).toEqual(['olivia']);
    expect(await group('priv', '', 'olivia')).toEqual(['olivia']);
    // Anonymous viewers of a public project see its members, as its member list shows them.
    expect(await project('acme/team/app')).toHaveLength(6);
  });

  it('refuses a search text with a null byte with an error, and answers the rest', async () => {
    const res = await h.gql('query($s: String) { project(fullPath: "acme/team/app") { id autocompleteUsers(search: $s) { username } } }', { s: 'a\u0000b' });
    expect(res.errors?.[0].message).toMatch(/null byte/i);
    expect(res.data.project.id).toBeTruthy();
    expect(res.data.project.autocompleteUsers).toBeNull();
  });

  it('costs the same number of SQL statements for 2 projects as for 6', async () => {
    async function count(first: number) {
      statements = [];
      counting = true;
      const res = await h.gql(
        `query($first: Int) { group(fullPath: "crowd") { projects(first: $first) { nodes { fullPath autocompleteUsers(search: "member") { username name } } } } }`,
        { first },
        { token: tokens.oscar },
      );
      counting = false;
      expect(res.errors).toBeUndefined();
      const nodes = res.data.group.projects.nodes;
      expect(nodes).toHaveLength(first);
      for (const node of nodes) expect(node.autocompleteUsers).toHaveLength(20);
      return statements.length;
    }
    const small = await count(2);
    const large = await count(6);
    expect(large).toBeLessThanOrEqual(small + 2);
    expect(statements.filter((s) => /ROW_NUMBER\(\)/.test(s) && /JOIN users u/.test(s))).toHaveLength(1);
  });
});
