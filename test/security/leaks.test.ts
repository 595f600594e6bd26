import { startHarness, type Harness } from '../helpers/harness';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';

/**
 * Three ways a caller learned what its view of the objects hides (issue 7), each reproduced and
 * closed: a redacted bot name found by searching and sorting, a private group's members listed and
 * counted through `users(groupId:)` and `groupMembersCount`, and members of private subgroups listed
 * under a public group with `relations: [DESCENDANTS]`.
 *
 *   pub       public group; olivia Owner
 *     pub/hid   private subgroup; dev Developer, "Hidden Subbot" (group bot)
 *     pub/site  public project; "Shown Bot" (project bot)
 *   priv      private group; olivia Owner, gm Developer, "Hidden Groupbot" (group bot)
 *     priv/app  private project; pm Reporter (reads `priv` only through it), "Hidden Helper" (project bot)
 *   outsider  no membership
 */
describe('leaks found by probing (issue 7)', () => {
  let h: Harness;
  const users: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  const groups: Record<string, Namespace> = {};
  const projects: Record<string, Project> = {};
  const bots: Record<string, User> = {};

  async function q(query: string, who?: string, variables?: Record<string, unknown>) {
    const res = await h.gql(query, variables, who ? { token: tokens[who] } : {});
    expect(res.errors).toBeUndefined();
    return res.data;
  }

  beforeAll(async () => {
    h = await startHarness();
    for (const [username, name, admin] of [
      ['root', 'Root Admin', true],
      ['olivia', 'Olivia Owner', false],
      ['dev', 'Dana Developer', false],
      ['gm', 'Gail Member', false],
      ['pm', 'Pat Projectmember', false],
      ['outsider', 'Oscar Outsider', false],
    ] as const) {
      users[username] = await h.createUser(username, { name, admin });
      tokens[username] = (await h.createPat(users[username], ['read_api'], { name: 'probe' })).secret;
    }
    groups.pub = await h.createGroup('pub', { visibility: 'public', owner: users.olivia });
    groups.hid = await h.createGroup('hid', { parent: 'pub', visibility: 'private' });
    groups.priv = await h.createGroup('priv', { visibility: 'private', owner: users.olivia });
    projects.site = await h.createProject('site', 'pub', { visibility: 'public' });
    projects.app = await h.createProject('app', 'priv', { visibility: 'private' });
    await h.addMember({ group: groups.hid }, users.dev, 'developer');
    await h.addMember({ group: groups.priv }, users.gm, 'developer');
    await h.addMember({ project: projects.app }, users.pm, 'reporter');
    bots.helper = (await h.createResourceToken({ project: projects.app }, { name: 'Hidden Helper' })).bot;
    bots.groupbot = (await h.createResourceToken({ group: groups.priv }, { name: 'Hidden Groupbot' })).bot;
    bots.subbot = (await h.createResourceToken({ group: groups.hid }, { name: 'Hidden Subbot' })).bot;
    bots.shown = (await h.createResourceToken({ project: projects.site }, { name: 'Shown Bot' })).bot;
  });
  afterAll(() => h.close());

  describe('1. a redacted bot name is neither searchable nor sortable', () => {
    const search = (term: string) =>
      `{ users(search: "${term}", userTypes: [PROJECT_BOT]) { count nodes { username name } } }`;

    it('does not match a name that reads **** to the viewer', async () => {
      for (const who of [undefined, 'outsider']) {
        const data = await q(search('hidden g'), who);
        expect({ who, users: data.users }).toEqual({ who, users: { count: 0, nodes: [] } });
      }
      // pm reads `priv` through its project, so the group bot's name is visible there; not the subgroup's.
      const pm = await q(search('hidden s'), 'pm');
      expect(pm.users).toEqual({ count: 0, nodes: [] });
      // One letter at a time was enough to spell the name out.
      for (const prefix of ['h', 'hi', 'hid', 'hidden', 'hidden s']) {
        const data = await q(search(prefix));
        expect(data.users.nodes.map((n: { name: string }) => n.name)).not.toContain('****');
      }
    });

    it('finds by name exactly the users whose name the viewer sees (the SQL twin agrees with the field)', async () => {
      const everyone = await h.app.dataSource.getRepository('User').find();
      for (const who of [undefined, 'outsider', 'pm', 'gm', 'dev', 'root']) {
        const data = await q('{ users(first: 100) { nodes { username name } } }', who);
        const shown = new Map<string, string>(data.users.nodes.map((n: any) => [n.username, n.name]));
        for (const user of everyone as User[]) {
          if (!shown.has(user.username) || user.username.startsWith('ghost')) continue;
          const found = await q(`query($s: String!) { users(search: $s) { nodes { username } } }`, who, { s: user.name });
          const matched = found.users.nodes.some((n: any) => n.username === user.username);
          expect({ who, user: user.username, matched }).toEqual({ who, user: user.username, matched: shown.get(user.username) !== '****' });
        }
      }
    });

    it('matches it for those who see it, and always by username', async () => {
      const gm = await q(search('hidden g'), 'gm');
      expect(gm.users).toEqual({ count: 1, nodes: [{ username: bots.groupbot.username, name: 'Hidden Groupbot' }] });
      const pm = await q(search('hidden h'), 'pm');
      expect(pm.users.nodes).toEqual([{ username: bots.helper.username, name: 'Hidden Helper' }]);
      const root = await q(search('hidden'), 'root');
      expect(root.users.count).toBe(3);
      const anon = await q(search(bots.groupbot.username.slice(0, 20)));
      expect(anon.users.nodes).toEqual([{ username: bots.groupbot.username, name: '****' }]);
      const shown = await q(search('shown'));
      expect(shown.users.nodes).toEqual([{ username: bots.shown.username, name: 'Shown Bot' }]);
    });

    it('sorts member lists by the name the viewer sees, page by page', async () => {
      // In every list a viewer may read, a bot's name is visible (its project or group is the one
      // listed, or above it); the sort still goes through the same condition as the search.
      const page = `query($after: String) { project(fullPath: "pub/site") {
        projectMembers(sort: USER_FULL_NAME_DESC, first: 1, after: $after) { pageInfo { endCursor hasNextPage } nodes { user { name } } } } }`;
      for (const who of [undefined, 'outsider', 'root']) {
        const names: string[] = [];
        let after: string | null = null;
        do {
          const data = await q(page, who, { after });
          const members = data.project.projectMembers;
          names.push(...members.nodes.map((n: any) => n.user.name));
          after = members.pageInfo.hasNextPage ? members.pageInfo.endCursor : null;
        } while (after);
        expect({ who, names }).toEqual({ who, names: ['Shown Bot', 'Olivia Owner'] });
      }
      const data = await q(
        `{ group(fullPath: "pub/hid") { groupMembers(sort: USER_FULL_NAME_ASC) { nodes { user { name } } } } }`,
        'olivia',
      );
      expect(data.group.groupMembers.nodes.map((n: any) => n.user.name)).toEqual(['Dana Developer', 'Hidden Subbot', 'Olivia Owner']);
    });
  });

  describe("2. users(groupId:) and groupMembersCount follow the group's member list", () => {
    const probe = (id: number) => `{
      group(fullPath: "priv") { fullPath groupMembers { nodes { id } } groupMembersCount }
      users(groupId: "gid://gitlab/Group/${id}") { count nodes { username } }
    }`;

    it('lists and counts nobody for a viewer who reads the group only through a project in it', async () => {
      const data = await q(probe(groups.priv.id), 'pm');
      expect(data.group).toEqual({ fullPath: 'priv', groupMembers: null, groupMembersCount: 0 });
      expect(data.users).toEqual({ count: 0, nodes: [] });
    });

    it('lists and counts the members for a member of the group', async () => {
      const data = await q(probe(groups.priv.id), 'gm');
      expect(data.group.groupMembers.nodes).toHaveLength(3);
      expect(data.group.groupMembersCount).toBe(3);
      expect(data.users.count).toBe(3);
      expect(data.users.nodes.map((n: { username: string }) => n.username).sort()).toEqual(
        [bots.groupbot.username, 'gm', 'olivia'].sort(),
      );
    });

    it("does not reveal a private group's members through another user's memberships", async () => {
      const query = `{ user(username: "gm") { groupCount groupMemberships { nodes { group { fullPath } } } groups { nodes { fullPath } } } }`;
      const pm = await q(query, 'pm');
      // Counts and the group list are for the user and administrators only (read_user_groups).
      expect(pm.user).toEqual({ groupCount: null, groupMemberships: { nodes: [] }, groups: null });
      const olivia = await q(query, 'olivia');
      expect(olivia.user.groupCount).toBeNull();
      expect(olivia.user.groupMemberships.nodes).toEqual([{ group: { fullPath: 'priv' } }]);
    });
  });

  describe('3. members of subgroups the viewer may not read are not descendants', () => {
    const query = `{ group(fullPath: "pub") { groupMembers(relations: [DESCENDANTS]) { nodes { user { username } group { fullPath } } } } }`;

    it('lists no Developer of a private subgroup to an anonymous caller or an outsider', async () => {
      for (const who of [undefined, 'outsider', 'pm']) {
        const data = await q(query, who);
        expect({ who, members: data.group.groupMembers }).toEqual({ who, members: { nodes: [] } });
      }
    });

    it('lists them to those who may read the subgroup members', async () => {
      for (const who of ['dev', 'olivia', 'root']) {
        const data = await q(query, who);
        const listed = data.group.groupMembers.nodes.map((n: any) => [n.user.username, n.group.fullPath]);
        expect({ who, listed: listed.sort() }).toEqual({ who, listed: [[bots.subbot.username, 'pub/hid'], ['dev', 'pub/hid']].sort() });
      }
    });
  });
});
