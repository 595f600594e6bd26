import { RESOURCE_NOT_AVAILABLE } from '../../src/core/errors';
import { MODELS, toGlobalId } from '../../src/core/global-id';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import { Member } from '../../src/modules/member/member.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { useHarness } from '../helpers/harness';

const UNABLE = 'Unable to update members, please check user permissions.';
const BOTS_STAY_HOME = 'project bots cannot be added to other groups / projects';

const PROJECT_BULK = `mutation($id: ProjectID!, $users: [UserID!]!, $level: MemberAccessLevel!, $expires: Time) {
  m: projectMemberBulkUpdate(input: { projectId: $id, userIds: $users, accessLevel: $level, expiresAt: $expires, clientMutationId: "c1" }) {
    clientMutationId errors projectMembers { user { username } accessLevel { integerValue stringValue } expiresAt }
  }
}`;
const GROUP_BULK = `mutation($id: GroupID!, $users: [UserID!]!, $level: MemberAccessLevel!, $expires: Time) {
  m: groupMemberBulkUpdate(input: { groupId: $id, userIds: $users, accessLevel: $level, expiresAt: $expires }) {
    errors groupMembers { user { username } accessLevel { integerValue } expiresAt }
  }
}`;

describe('member management', () => {
  const h = useHarness();
  const u: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  let parent: Namespace;
  let team: Namespace;
  let app: Project;
  let personal: Project;

  const gid = (model: string, id: number) => toGlobalId(model, id);
  const users = (...names: string[]) => names.map((n) => gid(MODELS.user, u[n].id));

  /** Every membership row, for "nothing changed" checks. */
  async function snapshot() {
    const rows = await h.app.dataSource.getRepository(Member).find({ order: { id: 'ASC' } });
    return rows.map((m) => `${m.sourceType}:${m.sourceId}:${m.userId}:${m.accessLevel}:${m.expiresAt ?? '-'}`);
  }

  async function levelOf(source: { project?: Project; group?: Namespace }, user: User): Promise<number | undefined> {
    const where = source.project ? { sourceType: 'Project' as const, sourceId: source.project.id } : { sourceType: 'Namespace' as const, sourceId: source.group!.id };
    return (await h.app.dataSource.getRepository(Member).findOneBy({ ...where, userId: user.id }))?.accessLevel;
  }

  beforeAll(async () => {
    for (const name of ['owner', 'owner2', 'maint', 'dev', 'dev2', 'rep', 'heir', 'gmaint', 'gdev', 'outsider', 'holder']) {
      u[name] = await h.createUser(name);
      tokens[name] = (await h.createPat(u[name], ['api'])).secret;
    }
    parent = await h.createGroup('acme', { visibility: 'private', owner: u.owner });
    team = await h.createGroup('team', { parent: 'acme', visibility: 'private' });
    app = await h.createProject('app', 'acme/team', { visibility: 'private' });
    personal = await h.createProject('notes', 'holder', { visibility: 'private' });
    await h.addMember({ project: app }, u.maint, 'maintainer');
    await h.addMember({ project: app }, u.dev, 'developer');
    await h.addMember({ project: app }, u.dev2, 'developer');
    await h.addMember({ project: app }, u.rep, 'reporter');
    await h.addMember({ project: app }, u.owner2, 'owner');
    // `heir` is a Developer of the parent group, and also a direct Developer of the project.
    await h.addMember({ group: parent }, u.heir, 'developer');
    await h.addMember({ project: app }, u.heir, 'developer');
    await h.addMember({ group: team }, u.gmaint, 'maintainer');
    await h.addMember({ group: team }, u.gdev, 'developer');
    await h.addMember({ project: personal }, u.maint, 'maintainer');
  });

  describe('projectMemberBulkUpdate', () => {
    it('a Maintainer changes the role and expiry of several direct members at once', async () => {
      const res = await h.gql(
        PROJECT_BULK,
        { id: gid(MODELS.project, app.id), users: users('dev', 'dev2'), level: 'REPORTER', expires: '2026-03-01T00:00:00Z' },
        { token: tokens.maint },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.m.errors).toEqual([]);
      expect(res.data.m.clientMutationId).toBe('c1');
      expect(res.data.m.projectMembers.map((m: any) => [m.user.username, m.accessLevel.stringValue, m.expiresAt.slice(0, 10)]).sort()).toEqual([
        ['dev', 'REPORTER', '2026-03-01'],
        ['dev2', 'REPORTER', '2026-03-01'],
      ]);
      // And back, removing the expiry.
      const back = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: users('dev', 'dev2'), level: 'DEVELOPER' }, { token: tokens.maint });
      expect(back.data.m.errors).toEqual([]);
      expect(back.data.m.projectMembers.every((m: any) => m.expiresAt === null && m.accessLevel.integerValue === 30)).toBe(true);
    });

    it('is refused as "not available" to Developers and non-members, changing nothing', async () => {
      const before = await snapshot();
      for (const who of ['dev', 'outsider', 'gdev']) {
        const res = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: users('rep'), level: 'GUEST' }, { token: tokens[who] });
        expect(res.errors?.map((e) => e.message)).toEqual([RESOURCE_NOT_AVAILABLE]);
        expect(res.data).toEqual({ m: null });
      }
      expect(await snapshot()).toEqual(before);
    });

    it('takes Owners to give or take away the Owner role', async () => {
      const before = await snapshot();
      const promote = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: users('rep'), level: 'OWNER' }, { token: tokens.maint });
      expect(promote.data.m).toMatchObject({ errors: [UNABLE], projectMembers: null });
      const demote = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: users('owner2'), level: 'MAINTAINER' }, { token: tokens.maint });
      expect(demote.data.m.errors).toEqual([UNABLE]);
      expect(await snapshot()).toEqual(before);

      const byOwner = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: users('rep'), level: 'OWNER' }, { token: tokens.owner });
      expect(byOwner.data.m.errors).toEqual([]);
      expect(await levelOf({ project: app }, u.rep)).toBe(50);
      await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: users('rep'), level: 'REPORTER' }, { token: tokens.owner });
      expect(await levelOf({ project: app }, u.rep)).toBe(20);
    });

    it('keeps a member at or above the role inherited from a group above, with GitLab’s message; all or nothing', async () => {
      const before = await snapshot();
      const res = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: users('dev', 'heir'), level: 'GUEST' }, { token: tokens.maint });
      expect(res.errors).toBeUndefined();
      expect(res.data.m).toEqual({
        clientMutationId: 'c1',
        errors: ['Access level should be greater than or equal to Developer inherited membership from group acme'],
        projectMembers: null,
      });
      // `dev` was valid on its own, but nothing changed.
      expect(await snapshot()).toEqual(before);
    });

    it('updates direct members only, and at most 50 at a time (top-level errors)', async () => {
      const before = await snapshot();
      // `owner` owns the project only through the group above.
      const inherited = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: users('dev', 'owner'), level: 'REPORTER' }, { token: tokens.maint });
      expect(inherited.errors?.map((e) => e.message)).toEqual(['Only access level of direct members can be updated.']);
      expect(inherited.data).toEqual({ m: null });
      const many = Array.from({ length: 51 }, (_, i) => gid(MODELS.user, 10_000 + i));
      const tooMany = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: many, level: 'REPORTER' }, { token: tokens.maint });
      expect(tooMany.errors?.map((e) => e.message)).toEqual(['Count of members to be updated should be less than 50.']);
      expect(await snapshot()).toEqual(before);
    });

    it('refuses an expiry in the past', async () => {
      const before = await snapshot();
      const res = await h.gql(
        PROJECT_BULK,
        { id: gid(MODELS.project, app.id), users: users('dev'), level: 'DEVELOPER', expires: '2026-01-10T00:00:00Z' },
        { token: tokens.maint },
      );
      expect(res.data.m.errors).toEqual(['Expires at cannot be a date in the past']);
      expect(await snapshot()).toEqual(before);
    });

    it('leaves project bots and the holder of a personal namespace alone', async () => {
      const { bot } = await h.createResourceToken({ project: app }, { accessLevel: 30 });
      const before = await snapshot();
      const botRes = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: [gid(MODELS.user, bot.id)], level: 'GUEST' }, { token: tokens.maint });
      expect(botRes.data.m.errors).toEqual([UNABLE]);
      const holderRes = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, personal.id), users: users('holder'), level: 'GUEST' }, { token: tokens.maint });
      expect(holderRes.data.m.errors).toEqual([UNABLE]);
      expect(await snapshot()).toEqual(before);
    });

    it('is refused to a read_api token as to an anonymous caller', async () => {
      const readOnly = (await h.createPat(u.maint, ['read_api'])).secret;
      for (const options of [{ token: readOnly }, {}]) {
        const res = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: users('dev'), level: 'GUEST' }, options);
        expect(res.errors?.map((e) => e.message)).toEqual([RESOURCE_NOT_AVAILABLE]);
      }
    });
  });

  describe('groupMemberBulkUpdate', () => {
    it('is for Owners (direct or inherited); group Maintainers cannot', async () => {
      const before = await snapshot();
      const byMaintainer = await h.gql(GROUP_BULK, { id: gid(MODELS.group, team.id), users: users('gdev'), level: 'REPORTER' }, { token: tokens.gmaint });
      expect(byMaintainer.errors?.map((e) => e.message)).toEqual([RESOURCE_NOT_AVAILABLE]);
      expect(await snapshot()).toEqual(before);

      const byOwner = await h.gql(GROUP_BULK, { id: gid(MODELS.group, team.id), users: users('gdev'), level: 'REPORTER' }, { token: tokens.owner });
      expect(byOwner.data.m).toEqual({ errors: [], groupMembers: [{ user: { username: 'gdev' }, accessLevel: { integerValue: 20 }, expiresAt: null }] });
    });

    it('never demotes the last Owner of a group, but one of two may go', async () => {
      const before = await snapshot();
      const res = await h.gql(GROUP_BULK, { id: gid(MODELS.group, parent.id), users: users('owner'), level: 'MAINTAINER' }, { token: tokens.owner });
      expect(res.data.m.errors).toEqual([UNABLE]);
      expect(await snapshot()).toEqual(before);

      await h.addMember({ group: parent }, u.owner2, 'owner');
      const ok = await h.gql(GROUP_BULK, { id: gid(MODELS.group, parent.id), users: users('owner2'), level: 'MAINTAINER' }, { token: tokens.owner });
      expect(ok.data.m.errors).toEqual([]);
      expect(await levelOf({ group: parent }, u.owner2)).toBe(40);
    });

    it('keeps a subgroup member at or above the role inherited from the parent', async () => {
      // owner2 is now a Maintainer of acme; make them a direct member of team too.
      await h.addMember({ group: team }, u.owner2, 'maintainer');
      const res = await h.gql(GROUP_BULK, { id: gid(MODELS.group, team.id), users: users('owner2'), level: 'DEVELOPER' }, { token: tokens.owner });
      expect(res.data.m.errors).toEqual(['Access level should be greater than or equal to Maintainer inherited membership from group acme']);
      expect(await levelOf({ group: team }, u.owner2)).toBe(40);
    });
  });

  describe('the labgate members command', () => {
    it('`members update` changes a role and expiry, with the same rules', async () => {
      const ok = await h.cli(['members', 'update', '--project', 'acme/team/app', '--user', 'dev2', '--access-level', 'maintainer', '--expires-at', '2026-06-30', '--json']);
      expect(ok.code).toBe(0);
      expect(ok.json).toMatchObject({ source: 'acme/team/app', username: 'dev2', access_level: 40, access_level_name: 'Maintainer', expires_at: '2026-06-30' });

      const before = await snapshot();
      const asMaintainer = await h.cli(['members', 'update', '--project', 'acme/team/app', '--user', 'dev', '--access-level', 'owner', '--as', 'maint']);
      expect(asMaintainer.code).not.toBe(0);
      expect(asMaintainer.err).toContain(UNABLE);
      const notDirect = await h.cli(['members', 'update', '--project', 'acme/team/app', '--user', 'owner', '--access-level', 'developer']);
      expect(notDirect.code).not.toBe(0);
      expect(notDirect.err).toContain('Only access level of direct members can be updated.');
      expect(await snapshot()).toEqual(before);
    });

    it('the last Owner of a group can be neither demoted nor removed', async () => {
      const solo = await h.createGroup('solo', { owner: u.owner });
      await h.addMember({ group: solo }, u.dev, 'developer');
      const before = await snapshot();
      const demote = await h.cli(['members', 'update', '--group', 'solo', '--user', 'owner', '--access-level', 'maintainer']);
      expect(demote.code).not.toBe(0);
      expect(demote.err).toContain(UNABLE);
      const remove = await h.cli(['members', 'remove', '--group', 'solo', '--user', 'owner']);
      expect(remove.code).not.toBe(0);
      expect(remove.err).toContain('The last Owner of a group cannot be removed or demoted');
      expect(await snapshot()).toEqual(before);

      // With a second Owner, the first may go.
      await h.addMember({ group: solo }, u.owner2, 'owner');
      const ok = await h.cli(['members', 'remove', '--group', 'solo', '--user', 'owner', '--json']);
      expect(ok.code).toBe(0);
      expect(ok.json).toEqual({ removed: true, source: 'solo', username: 'owner' });
      expect(await levelOf({ group: solo }, u.owner)).toBeUndefined();
    });

    it('`members remove` takes a project member out, for those who manage members', async () => {
      const denied = await h.cli(['members', 'remove', '--project', 'acme/team/app', '--user', 'rep', '--as', 'dev']);
      expect(denied.code).not.toBe(0);
      expect(await levelOf({ project: app }, u.rep)).toBe(20);
      const ok = await h.cli(['members', 'remove', '--project', 'acme/team/app', '--user', 'rep', '--as', 'maint']);
      expect(ok.code).toBe(0);
      expect(await levelOf({ project: app }, u.rep)).toBeUndefined();
    });

    it('a project bot cannot be added to another project or group', async () => {
      const { bot } = await h.createResourceToken({ project: app }, { accessLevel: 30 });
      const other = await h.createProject('other', 'acme', { visibility: 'private' });
      const before = await snapshot();
      for (const target of [['--project', 'acme/other'], ['--group', 'acme/team'], ['--group', 'solo']]) {
        const res = await h.cli(['members', 'add', ...target, '--user', bot.username, '--access-level', 'developer']);
        expect(res.code).not.toBe(0);
        expect(res.err).toContain(BOTS_STAY_HOME);
      }
      await expect(h.addMember({ project: other }, bot, 'developer')).rejects.toThrow(BOTS_STAY_HOME);
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('blocked and deactivated users', () => {
    it.each(['blocked', 'deactivated'])('`users update --state %s` refuses the next request with 403, without revoking the token', async (state) => {
      const user = await h.createUser(`was-${state}`);
      const { secret, token } = await h.createPat(user, ['api']);
      const query = '{ currentUser { username } }';
      expect((await h.gql(query, {}, { token: secret })).data).toEqual({ currentUser: { username: `was-${state}` } });

      const res = await h.cli(['users', 'update', '--username', `was-${state}`, '--state', state, '--json']);
      expect(res.code).toBe(0);
      expect(res.json).toMatchObject({ username: `was-${state}`, state });

      const refused = await h.gql(query, {}, { token: secret });
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ errors: [{ message: 'API not accessible for user' }] });
      const mutation = await h.gql(PROJECT_BULK, { id: gid(MODELS.project, app.id), users: users('dev'), level: 'GUEST' }, { token: secret });
      expect(mutation.status).toBe(403);
      const stored = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ id: token.id });
      expect(stored.revoked).toBe(false);

      const back = await h.cli(['users', 'update', '--username', `was-${state}`, '--state', 'active']);
      expect(back.code).toBe(0);
      expect((await h.gql(query, {}, { token: secret })).data).toEqual({ currentUser: { username: `was-${state}` } });
    });
  });
});
