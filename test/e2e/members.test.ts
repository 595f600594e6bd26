import { useHarness } from '../helpers/harness';
import type { User } from '../../src/modules/user/user.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';

/**
 * `Project.projectMembers` and `Group.groupMembers`: direct and inherited memberships, one row per
 * user with the highest role winning.
 *
 *   acme (public; olivia Owner, gus Maintainer: added after his project membership)
 *     team (public; dave Developer, carl Maintainer added by olivia; ivy Reporter in acme/team/lab)
 *       app (public project; dave Maintainer, erin Guest, gus Guest, hal Guest until 2026-01-16)
 *       lab (public subgroup; ivy Reporter)
 *   priv (private group; olivia Owner) with priv/x (private project)
 */
describe('members', () => {
  const h = useHarness();
  const users: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  const groups: Record<string, Namespace> = {};
  let app: Project;

  async function q(query: string, who?: string) {
    return h.gql(query, {}, who ? { token: tokens[who] } : {});
  }

  type Row = { type: string; username: string; level: string };
  const rowsOf = (nodes: any[]): Row[] =>
    nodes.map((n) => ({ type: n.__typename, username: n.user.username, level: n.accessLevel.stringValue }));

  async function projectMembers(args = '', who?: string): Promise<Row[]> {
    const res = await q(
      `{ project(fullPath: "acme/team/app") { projectMembers${args ? `(${args})` : ''} { nodes { __typename user { username } accessLevel { stringValue } } } } }`,
      who,
    );
    expect(res.errors).toBeUndefined();
    return rowsOf(res.data.project.projectMembers.nodes);
  }

  async function groupMembers(path: string, args = '', who?: string): Promise<Row[]> {
    const res = await q(
      `{ group(fullPath: "${path}") { groupMembers${args ? `(${args})` : ''} { nodes { __typename user { username } accessLevel { stringValue } } } } }`,
      who,
    );
    expect(res.errors).toBeUndefined();
    return rowsOf(res.data.group.groupMembers.nodes);
  }

  const byUser = (rows: Row[]) => [...rows].sort((a, b) => a.username.localeCompare(b.username));

  beforeAll(async () => {
    for (const [username, name] of [
      ['olivia', 'Olivia Owner'],
      ['carl', 'Carl Cook'],
      ['dave', 'Dave Diaz'],
      ['erin', 'erin evans'],
      ['gus', 'Gus Grant'],
      ['hal', 'Hal Hill'],
      ['ivy', 'Ivy Inch'],
      ['oscar', 'Oscar Out'],
    ]) {
      users[username] = await h.createUser(username, { name });
      tokens[username] = (await h.createPat(users[username], ['read_api'])).secret;
    }
    groups.acme = await h.app.services.groups.create(h.system(), { path: 'acme', visibility: 'public' }, users.olivia);
    groups.team = await h.app.services.groups.create(h.system(), { path: 'team', parentFullPath: 'acme', visibility: 'public' });
    groups.lab = await h.app.services.groups.create(h.system(), { path: 'lab', parentFullPath: 'acme/team', visibility: 'public' });
    groups.priv = await h.app.services.groups.create(h.system(), { path: 'priv', visibility: 'private' }, users.olivia);
    app = await h.app.services.projects.create(h.system(), { path: 'app', namespace: 'acme/team', visibility: 'public' });
    await h.app.services.projects.create(h.system(), { path: 'x', namespace: 'priv', visibility: 'private' });

    const step = () => h.clock.advance(60_000);
    step();
    await h.addMember({ group: groups.team }, users.dave, 'developer');
    step();
    // Added by olivia herself, so that createdBy is a person.
    await h.app.services.members.add(h.as(users.olivia), { kind: 'Namespace', group: groups.team }, users.carl, 40, null);
    step();
    await h.addMember({ project: app }, users.dave, 'maintainer');
    step();
    await h.addMember({ project: app }, users.erin, 'guest');
    step();
    await h.addMember({ project: app }, users.gus, 'guest');
    step();
    await h.addMember({ group: groups.acme }, users.gus, 'maintainer');
    step();
    await h.addMember({ project: app }, users.hal, 'guest', '2026-01-16');
    step();
    await h.addMember({ group: groups.lab }, users.ivy, 'reporter');
  });

  describe('Project.projectMembers', () => {
    it('lists direct and inherited members once each, the highest role winning', async () => {
      expect(byUser(await projectMembers())).toEqual([
        { type: 'GroupMember', username: 'carl', level: 'MAINTAINER' },
        { type: 'ProjectMember', username: 'dave', level: 'MAINTAINER' },
        { type: 'ProjectMember', username: 'erin', level: 'GUEST' },
        { type: 'GroupMember', username: 'gus', level: 'MAINTAINER' },
        { type: 'ProjectMember', username: 'hal', level: 'GUEST' },
        { type: 'GroupMember', username: 'olivia', level: 'OWNER' },
      ]);
    });

    it('keeps only the project memberships with relations: [DIRECT]', async () => {
      expect(byUser(await projectMembers('relations: [DIRECT]'))).toEqual([
        { type: 'ProjectMember', username: 'dave', level: 'MAINTAINER' },
        { type: 'ProjectMember', username: 'erin', level: 'GUEST' },
        { type: 'ProjectMember', username: 'gus', level: 'GUEST' },
        { type: 'ProjectMember', username: 'hal', level: 'GUEST' },
      ]);
    });

    it('keeps only memberships of the ancestor groups with relations: [INHERITED]', async () => {
      expect(byUser(await projectMembers('relations: [INHERITED]'))).toEqual([
        { type: 'GroupMember', username: 'carl', level: 'MAINTAINER' },
        { type: 'GroupMember', username: 'dave', level: 'DEVELOPER' },
        { type: 'GroupMember', username: 'gus', level: 'MAINTAINER' },
        { type: 'GroupMember', username: 'olivia', level: 'OWNER' },
      ]);
    });

    it('adds nobody for the group-sharing relations, which Labgate does not have', async () => {
      expect(await projectMembers('relations: [INVITED_GROUPS, SHARED_INTO_ANCESTORS]')).toEqual([]);
    });

    it('searches names and usernames', async () => {
      expect(await projectMembers('search: "DIAZ"')).toEqual([{ type: 'ProjectMember', username: 'dave', level: 'MAINTAINER' }]);
      expect(await projectMembers('search: "oliv"')).toEqual([{ type: 'GroupMember', username: 'olivia', level: 'OWNER' }]);
      expect(await projectMembers('search: "oscar"')).toEqual([]);
    });

    it('sorts by full name, ignoring case', async () => {
      const asc = (await projectMembers('sort: USER_FULL_NAME_ASC')).map((r) => r.username);
      expect(asc).toEqual(['carl', 'dave', 'erin', 'gus', 'hal', 'olivia']);
      const desc = (await projectMembers('sort: USER_FULL_NAME_DESC')).map((r) => r.username);
      expect(desc).toEqual([...asc].reverse());
    });

    it('sorts by access level', async () => {
      const rank = { GUEST: 10, REPORTER: 20, DEVELOPER: 30, MAINTAINER: 40, OWNER: 50 } as Record<string, number>;
      const asc = (await projectMembers('sort: ACCESS_LEVEL_ASC')).map((r) => rank[r.level]);
      expect(asc).toEqual([10, 10, 40, 40, 40, 50]);
      const desc = await projectMembers('sort: ACCESS_LEVEL_DESC');
      expect(desc[0]).toEqual({ type: 'GroupMember', username: 'olivia', level: 'OWNER' });
      expect(desc.map((r) => rank[r.level])).toEqual([50, 40, 40, 40, 10, 10]);
    });

    it('sorts by when the membership was created', async () => {
      const asc = (await projectMembers('sort: CREATED_ASC')).map((r) => r.username);
      // olivia (group creation), carl, dave's project row, erin, gus's group row, hal.
      expect(asc).toEqual(['olivia', 'carl', 'dave', 'erin', 'gus', 'hal']);
      expect((await projectMembers('sort: CREATED_DESC')).map((r) => r.username)).toEqual([...asc].reverse());
    });

    it('leaves out a membership from 00:00 UTC on its expiry date', async () => {
      h.clock.set('2026-01-15T23:59:59.000Z');
      try {
        expect((await projectMembers()).map((r) => r.username)).toContain('hal');
        h.clock.set('2026-01-16T00:00:00.000Z');
        expect((await projectMembers()).map((r) => r.username)).not.toContain('hal');
        expect((await projectMembers('relations: [DIRECT]')).map((r) => r.username)).not.toContain('hal');
      } finally {
        h.clock.set('2026-01-15T12:30:00.000Z');
      }
    });

    it('gives member IDs, dates and createdBy as GitLab does', async () => {
      const res = await q(`{ project(fullPath: "acme/team/app") { projectMembers(sort: USER_FULL_NAME_ASC) { nodes {
        __typename id createdAt updatedAt expiresAt user { username } createdBy { username }
        ... on ProjectMember { project { fullPath } }
        ... on GroupMember { group { fullPath } } } } } }`);
      expect(res.errors).toBeUndefined();
      const nodes = res.data.project.projectMembers.nodes;
      const carl = nodes.find((n: any) => n.user.username === 'carl');
      const hal = nodes.find((n: any) => n.user.username === 'hal');
      const dave = nodes.find((n: any) => n.user.username === 'dave');
      expect(carl).toMatchObject({ __typename: 'GroupMember', group: { fullPath: 'acme/team' }, createdBy: { username: 'olivia' }, expiresAt: null });
      expect(carl.id).toMatch(/^gid:\/\/gitlab\/GroupMember\/\d+$/);
      expect(carl.createdAt).toMatch(/^2026-01-15T\d{2}:\d{2}:\d{2}Z$/);
      expect(dave).toMatchObject({ __typename: 'ProjectMember', project: { fullPath: 'acme/team/app' }, createdBy: null });
      expect(dave.id).toMatch(/^gid:\/\/gitlab\/ProjectMember\/\d+$/);
      expect(hal.expiresAt).toBe('2026-01-16T00:00:00Z');
    });

    it('is readable by anyone who can read the project', async () => {
      expect(await projectMembers('', 'oscar')).toHaveLength(6);
      expect(await projectMembers()).toHaveLength(6);
    });
  });

  describe('Group.groupMembers', () => {
    it('lists direct and inherited members by default', async () => {
      expect(byUser(await groupMembers('acme/team'))).toEqual([
        { type: 'GroupMember', username: 'carl', level: 'MAINTAINER' },
        { type: 'GroupMember', username: 'dave', level: 'DEVELOPER' },
        { type: 'GroupMember', username: 'gus', level: 'MAINTAINER' },
        { type: 'GroupMember', username: 'olivia', level: 'OWNER' },
      ]);
    });

    it('follows the relations argument', async () => {
      const names = async (args: string) => (await groupMembers('acme/team', args)).map((r) => r.username).sort();
      expect(await names('relations: [DIRECT]')).toEqual(['carl', 'dave']);
      expect(await names('relations: [INHERITED]')).toEqual(['gus', 'olivia']);
      expect(await names('relations: [DESCENDANTS]')).toEqual(['ivy']);
      expect(await names('relations: [DIRECT, DESCENDANTS]')).toEqual(['carl', 'dave', 'ivy']);
      expect(await names('relations: [SHARED_FROM_GROUPS]')).toEqual([]);
      const top = (await groupMembers('acme', 'relations: [DIRECT, DESCENDANTS]')).map((r) => r.username).sort();
      expect(top).toEqual(['carl', 'dave', 'gus', 'ivy', 'olivia']);
    });

    it('keeps the given roles with accessLevels', async () => {
      expect((await groupMembers('acme/team', 'accessLevels: [MAINTAINER]')).map((r) => r.username).sort()).toEqual(['carl', 'gus']);
      expect((await groupMembers('acme/team', 'accessLevels: [OWNER, DEVELOPER]')).map((r) => r.username).sort()).toEqual(['dave', 'olivia']);
      expect(await groupMembers('acme/team', 'accessLevels: [GUEST]')).toEqual([]);
    });

    it('searches and sorts', async () => {
      expect((await groupMembers('acme/team', 'search: "cook"')).map((r) => r.username)).toEqual(['carl']);
      expect((await groupMembers('acme/team', 'sort: USER_FULL_NAME_DESC')).map((r) => r.username)).toEqual(['olivia', 'gus', 'dave', 'carl']);
      expect((await groupMembers('acme/team', 'sort: ACCESS_LEVEL_DESC')).map((r) => r.level)).toEqual(['OWNER', 'MAINTAINER', 'MAINTAINER', 'DEVELOPER']);
    });

    it('has GroupMember ids and the group of each row', async () => {
      const res = await q('{ group(fullPath: "acme/team") { groupMembers(sort: USER_FULL_NAME_ASC) { nodes { id group { fullPath } } } } }');
      const nodes = res.data.group.groupMembers.nodes;
      expect(nodes.map((n: any) => n.group.fullPath)).toEqual(['acme/team', 'acme/team', 'acme', 'acme']);
      for (const n of nodes) expect(n.id).toMatch(/^gid:\/\/gitlab\/GroupMember\/\d+$/);
    });

    it('is not a countable connection, as in GitLab', async () => {
      const res = await q('{ group(fullPath: "acme") { groupMembers { count } } }');
      expect(res.errors?.[0].message).toBe("Field 'count' doesn't exist on type 'GroupMemberConnection'");
    });

    it('counts direct active members in groupMembersCount', async () => {
      const res = await q('{ acme: group(fullPath: "acme") { groupMembersCount } team: group(fullPath: "acme/team") { groupMembersCount } }');
      expect(res.data).toEqual({ acme: { groupMembersCount: 2 }, team: { groupMembersCount: 2 } });
    });
  });
});
