import { useHarness } from '../helpers/harness';
import type { User } from '../../src/modules/user/user.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';

const NOT_AVAILABLE = "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

/**
 * `Query.user`, `Query.users`, `Query.currentUser` and the user fields.
 *
 *   users (created in this order, a minute apart): root (admin), olivia, mia "Mia Member", oscar,
 *   ext (external), bob (blocked afterwards); then two project bots:
 *     "Site Bot"   for acme/site (public project)
 *     "Deploy Bot" for vault/safe (private project)
 *   acme (public; owner olivia, developer mia), acme/sub (private subgroup)
 *   vault (private; owner olivia, guest mia)
 *   acme/site (public; mia Maintainer), vault/safe (private; mia Reporter)
 */
describe('users', () => {
  const h = useHarness();
  const users: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  const groups: Record<string, Namespace> = {};
  const projects: Record<string, Project> = {};
  let siteBot: User;
  let deployBot: User;

  async function q(query: string, who?: string, variables?: Record<string, unknown>) {
    return h.gql(query, variables, who ? { token: tokens[who] } : {});
  }

  async function usernames(args: string, who?: string): Promise<string[]> {
    const res = await q(`{ users${args ? `(${args})` : ''} { nodes { username } } }`, who);
    expect(res.errors).toBeUndefined();
    return res.data.users.nodes.map((n: { username: string }) => n.username);
  }

  const humansNewestFirst = ['bob', 'ext', 'oscar', 'mia', 'olivia', 'root'];
  /** What non-administrators list: blocked accounts are left out. */
  const listedHumans = humansNewestFirst.filter((u) => u !== 'bob');

  beforeAll(async () => {
    for (const [username, opts] of [
      ['root', { admin: true, name: 'Root Admin' }],
      ['olivia', { name: 'Olivia Owner' }],
      ['mia', { name: 'Mia Member' }],
      ['oscar', { name: 'Oscar Outsider' }],
      ['ext', { external: true, name: 'Ext Ernal' }],
      ['bob', { name: 'Bob Blocked' }],
    ] as const) {
      h.clock.advance(60_000);
      users[username] = await h.createUser(username, opts);
      if (username !== 'bob') tokens[username] = (await h.createPat(users[username], ['read_api'], { name: `${username} token` })).secret;
    }
    await h.createPat(users.mia, ['api'], { name: 'ci' });
    groups.acme = await h.app.services.groups.create(h.system(), { path: 'acme', visibility: 'public' }, users.olivia);
    groups.sub = await h.app.services.groups.create(h.system(), { path: 'sub', parentFullPath: 'acme', visibility: 'private' });
    groups.vault = await h.app.services.groups.create(h.system(), { path: 'vault', visibility: 'private' }, users.olivia);
    projects.site = await h.app.services.projects.create(h.system(), { path: 'site', namespace: 'acme', visibility: 'public' });
    projects.safe = await h.app.services.projects.create(h.system(), { path: 'safe', namespace: 'vault', visibility: 'private' });
    await h.addMember({ group: groups.acme }, users.mia, 'developer');
    await h.addMember({ group: groups.vault }, users.mia, 'guest');
    await h.addMember({ project: projects.site }, users.mia, 'maintainer');
    await h.addMember({ project: projects.safe }, users.mia, 'reporter');
    h.clock.advance(60_000);
    siteBot = (await h.createResourceToken({ project: projects.site }, { name: 'Site Bot' })).bot;
    h.clock.advance(60_000);
    deployBot = (await h.createResourceToken({ project: projects.safe }, { name: 'Deploy Bot' })).bot;
    h.clock.advance(60_000);
    users.bob = await h.app.services.users.update(h.system(), users.bob, { state: 'blocked' });
  });

  describe('user(id, username)', () => {
    it('finds a user by username, ignoring case, and by global ID', async () => {
      const res = await q(`{ a: user(username: "MIA") { username } b: user(id: "gid://gitlab/User/${users.mia.id}") { username } }`, 'oscar');
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ a: { username: 'mia' }, b: { username: 'mia' } });
    });

    it('answers null, with no error, for an unknown user', async () => {
      const res = await q('{ a: user(username: "nobody") { id } b: user(id: "gid://gitlab/User/999999") { id } }', 'oscar');
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ a: null, b: null });
    });

    it("needs exactly one of id and username (GitLab's exactly_one_of message)", async () => {
      for (const args of ['', `(id: "gid://gitlab/User/${users.mia.id}", username: "mia")`]) {
        const res = await q(`{ user${args} { username } }`, 'oscar');
        expect(res.errors?.map((e) => e.message)).toEqual(['One and only one of [id, username] arguments is required.']);
        expect(res.errors?.[0].path).toEqual(['user']);
        expect(res.data).toEqual({ user: null });
      }
    });

    it('refuses anonymous callers, as GitLab\'s UserResolver does', async () => {
      const res = await q('{ user(username: "mia") { username } }');
      expect(res.status).toBe(200);
      expect(res.errors?.map((e) => e.message)).toEqual([NOT_AVAILABLE]);
      expect(res.data).toEqual({ user: null });
    });

    it('exposes the fields of a person', async () => {
      const res = await q(`{ user(username: "mia") { id username name state active bot human type webUrl webPath createdAt
        publicEmail userPermissions { createSnippet } } }`, 'oscar');
      expect(res.errors).toBeUndefined();
      expect(res.data.user).toEqual({
        id: `gid://gitlab/User/${users.mia.id}`,
        username: 'mia',
        name: 'Mia Member',
        state: 'active',
        active: true,
        bot: false,
        human: true,
        type: 'HUMAN',
        webUrl: 'http://example.com/mia',
        webPath: '/mia',
        createdAt: users.mia.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        publicEmail: null,
        userPermissions: { createSnippet: false },
      });
    });

    it('reports a blocked account as blocked and inactive', async () => {
      const res = await q('{ user(username: "bob") { state active } }', 'oscar');
      expect(res.data.user).toEqual({ state: 'blocked', active: false });
    });

    it('reports project bots as bots of type PROJECT_BOT', async () => {
      const res = await q(`{ user(username: "${siteBot.username}") { bot human type state name } }`, 'oscar');
      expect(res.data.user).toEqual({ bot: true, human: false, type: 'PROJECT_BOT', state: 'active', name: 'Site Bot' });
    });

    it("shows a project bot's name as **** to viewers who cannot see its project", async () => {
      const query = `{ user(username: "${deployBot.username}") { name username } }`;
      expect((await q(query, 'oscar')).data.user).toEqual({ name: '****', username: deployBot.username });
      expect((await q(query, 'mia')).data.user.name).toBe('Deploy Bot');
      expect((await q(query, 'olivia')).data.user.name).toBe('Deploy Bot');
      expect((await q(query, 'root')).data.user.name).toBe('Deploy Bot');
    });
  });

  describe('currentUser', () => {
    it('is null for anonymous requests, with no error', async () => {
      const res = await q('{ currentUser { username } }');
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ currentUser: null });
    });

    it('is the owner of the token, as a CurrentUser', async () => {
      const res = await q('{ currentUser { __typename id username name bot human type } }', 'mia');
      expect(res.data.currentUser).toEqual({
        __typename: 'CurrentUser',
        id: `gid://gitlab/User/${users.mia.id}`,
        username: 'mia',
        name: 'Mia Member',
        bot: false,
        human: true,
        type: 'HUMAN',
      });
    });

    it('is the bot for a project access token, and the bot sees its own name', async () => {
      const { secret, bot } = await h.createResourceToken({ project: projects.safe }, { name: 'Reader Bot', scopes: ['read_api'] });
      const res = await h.gql('{ currentUser { username name bot type } }', {}, { token: secret });
      expect(res.data.currentUser).toEqual({ username: bot.username, name: 'Reader Bot', bot: true, type: 'PROJECT_BOT' });
      // Leave the fixture as it was for the list tests.
      await h.app.services.users.update(h.system(), bot, { state: 'deactivated' });
    });
  });

  describe('users(...)', () => {
    it('lists users newest first by default, with a count', async () => {
      const res = await q('{ users(humans: true) { count nodes { username } } }', 'root');
      expect(res.errors).toBeUndefined();
      expect(res.data.users.count).toBe(6);
      expect(res.data.users.nodes.map((n: { username: string }) => n.username)).toEqual(humansNewestFirst);
    });

    it("leaves blocked accounts out of non-administrators' lists (GitLab's without_forbidden_states)", async () => {
      const res = await q('{ users(humans: true) { count nodes { username } } }', 'oscar');
      expect(res.data.users.count).toBe(5);
      expect(res.data.users.nodes.map((n: { username: string }) => n.username)).toEqual(listedHumans);
      expect(await usernames('usernames: ["bob"]')).toEqual([]);
      expect(await usernames('usernames: ["bob"]', 'root')).toEqual(['bob']);
    });

    it('sorts by creation and update time', async () => {
      expect(await usernames('humans: true, sort: CREATED_ASC', 'oscar')).toEqual([...listedHumans].reverse());
      const updated = await usernames('humans: true, sort: UPDATED_DESC', 'root');
      expect(updated[0]).toBe('bob'); // blocked last
      expect(await usernames('humans: true, sort: UPDATED_ASC', 'root')).toEqual([...updated].reverse());
    });

    it('keeps active accounts with active: true', async () => {
      expect(await usernames('active: true, humans: true', 'root')).toEqual(listedHumans);
      await h.app.services.users.update(h.system(), users.ext, { state: 'deactivated' });
      try {
        expect(await usernames('active: true, humans: true', 'oscar')).toEqual(listedHumans.filter((u) => u !== 'ext'));
        // Deactivated accounts are still listed without the filter.
        expect(await usernames('humans: true', 'oscar')).toEqual(listedHumans);
      } finally {
        await h.app.services.users.update(h.system(), users.ext, { state: 'active' });
      }
    });

    it('honours admins: true for administrators only', async () => {
      expect(await usernames('admins: true', 'root')).toEqual(['root']);
      expect(await usernames('admins: true, humans: true', 'oscar')).toEqual(listedHumans);
    });

    it('leaves bots out with humans: true, and picks kinds with userTypes', async () => {
      const all = await usernames('', 'oscar');
      expect(all).toEqual(expect.arrayContaining([siteBot.username, deployBot.username]));
      expect(await usernames('humans: true', 'oscar')).not.toContain(siteBot.username);
      expect(await usernames('userTypes: [PROJECT_BOT], active: true', 'oscar')).toEqual([deployBot.username, siteBot.username]);
      expect(await usernames('userTypes: [HUMAN]', 'oscar')).toEqual(listedHumans);
    });

    it('shows bot names as GitLab redacts them', async () => {
      const res = await q('{ users(userTypes: [PROJECT_BOT], active: true) { nodes { name } } }', 'oscar');
      expect(res.data.users.nodes).toEqual([{ name: '****' }, { name: 'Site Bot' }]);
      const anon = await q('{ users(userTypes: [PROJECT_BOT], active: true) { nodes { name } } }');
      expect(anon.data.users.nodes).toEqual([{ name: '****' }, { name: 'Site Bot' }]);
    });

    it('keeps the given ids or usernames', async () => {
      expect(await usernames(`ids: ["gid://gitlab/User/${users.mia.id}", "gid://gitlab/User/${users.oscar.id}"]`, 'oscar')).toEqual(['oscar', 'mia']);
      expect(await usernames('usernames: ["MIA", "olivia", "nobody"]', 'oscar')).toEqual(['mia', 'olivia']);
    });

    it("refuses ids and usernames together with GitLab's message", async () => {
      const res = await q(`{ users(ids: ["gid://gitlab/User/${users.mia.id}"], usernames: ["mia"]) { nodes { username } } }`, 'oscar');
      expect(res.errors?.map((e) => e.message)).toEqual(['Provide either a list of usernames or ids']);
      expect(res.data).toEqual({ users: null });
    });

    it('keeps members of a group, inherited from its ancestors too (inferred)', async () => {
      expect(await usernames(`groupId: "gid://gitlab/Group/${groups.acme.id}"`, 'oscar')).toEqual(['mia', 'olivia']);
      expect(await usernames(`groupId: "gid://gitlab/Group/${groups.sub.id}"`, 'mia')).toEqual(['mia', 'olivia']);
    });

    it('finds no members of a group the viewer cannot see', async () => {
      expect(await usernames(`groupId: "gid://gitlab/Group/${groups.vault.id}"`, 'oscar')).toEqual([]);
      expect(await usernames(`groupId: "gid://gitlab/Group/${groups.vault.id}"`, 'mia')).toEqual(['mia', 'olivia']);
    });

    it('searches usernames and names; e-mail addresses only for administrators', async () => {
      expect(await usernames('search: "OLIV"', 'oscar')).toEqual(['olivia']);
      expect(await usernames('search: "member"', 'oscar')).toEqual(['mia']);
      expect(await usernames('search: "mia@example.com"', 'oscar')).toEqual([]);
      expect(await usernames('search: "mia@example.com"', 'root')).toEqual(['mia']);
    });

    it('is open to anonymous callers', async () => {
      const res = await q('{ users(usernames: ["mia"]) { count nodes { username } } }');
      expect(res.errors).toBeUndefined();
      expect(res.data.users).toEqual({ count: 1, nodes: [{ username: 'mia' }] });
    });
  });

  describe('memberships as other viewers see them', () => {
    const query = `query($u: String!) { user(username: $u) {
      groupCount projectCount
      groupMemberships { nodes { __typename id group { fullPath } accessLevel { stringValue } } }
      projectMemberships { nodes { __typename project { fullPath } accessLevel { stringValue } } }
      groups { nodes { fullPath } } } }`;

    it('shows an outsider only the memberships of groups and projects they may see', async () => {
      const res = await q(query, 'oscar', { u: 'mia' });
      expect(res.errors).toBeUndefined();
      const user = res.data.user;
      // Counts and the group list are the user's and administrators' only (GitLab's read_user_groups).
      expect(user.groupCount).toBeNull();
      expect(user.projectCount).toBeNull();
      expect(user.groupMemberships.nodes).toEqual([
        { __typename: 'GroupMember', id: expect.stringMatching(/^gid:\/\/gitlab\/GroupMember\/\d+$/), group: { fullPath: 'acme' }, accessLevel: { stringValue: 'DEVELOPER' } },
      ]);
      expect(user.projectMemberships.nodes).toEqual([{ __typename: 'ProjectMember', project: { fullPath: 'acme/site' }, accessLevel: { stringValue: 'MAINTAINER' } }]);
      expect(user.groups).toBeNull();
    });

    it('shows the user and administrators everything', async () => {
      for (const who of ['mia', 'root']) {
        const res = await q(query, who, { u: 'mia' });
        const user = res.data.user;
        expect(user.groupCount).toBe(2);
        expect(user.projectCount).toBe(2);
        expect(user.groupMemberships.nodes.map((n: any) => n.group.fullPath)).toEqual(['acme', 'vault']);
        expect(user.projectMemberships.nodes.map((n: any) => [n.project.fullPath, n.accessLevel.stringValue])).toEqual([
          ['acme/site', 'MAINTAINER'],
          ['vault/safe', 'REPORTER'],
        ]);
        expect(user.groups.nodes).toEqual([{ fullPath: 'acme' }, { fullPath: 'vault' }]);
      }
    });

    it('lists only direct memberships, but counts the projects reached through a group, as GitLab does', async () => {
      const res = await q(query, 'root', { u: 'olivia' });
      expect(res.data.user.groupMemberships.nodes.map((n: any) => n.group.fullPath)).toEqual(['acme', 'vault']);
      expect(res.data.user.projectMemberships.nodes).toEqual([]);
      // Owner of acme and vault: acme/site and vault/safe, in those two groups (acme/sub holds no project).
      expect(res.data.user.projectCount).toBe(2);
      expect(res.data.user.groupCount).toBe(2);
    });

    it('filters UserCore.groups by search', async () => {
      const res = await q('{ user(username: "mia") { groups(search: "vau") { nodes { fullPath } } } }', 'mia');
      expect(res.data.user.groups.nodes).toEqual([{ fullPath: 'vault' }]);
    });
  });

  describe('personalAccessTokens', () => {
    const query = '{ user(username: "mia") { personalAccessTokens(sort: NAME_ASC) { count nodes { name } } } }';

    it('are visible to the user themself', async () => {
      const res = await q(query, 'mia');
      expect(res.errors).toBeUndefined();
      expect(res.data.user.personalAccessTokens).toEqual({ count: 2, nodes: [{ name: 'ci' }, { name: 'mia token' }] });
      const own = await q('{ currentUser { personalAccessTokens { count } } }', 'mia');
      expect(own.data.currentUser.personalAccessTokens).toEqual({ count: 2 });
    });

    it('are visible to administrators', async () => {
      const res = await q(query, 'root');
      expect(res.data.user.personalAccessTokens.count).toBe(2);
    });

    it('are null, with no error, for anyone else', async () => {
      for (const who of ['oscar', 'olivia']) {
        const res = await q(query, who);
        expect(res.errors).toBeUndefined();
        expect(res.data.user.personalAccessTokens).toBeNull();
      }
    });
  });
});
