import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { DEVELOPER, GUEST, MAINTAINER, OWNER, REPORTER } from '../../src/policy/access-level';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * What sharing adds to REST's lists, as GitLab's `find_all_members` and `InvitedGroupsFinder` answer:
 * `GET /projects/:id/members/all` with the members of the groups the project (or a group above it) is
 * shared with, at the shared role at most and each user once at their best role;
 * `GET /groups/:id/members/all` with those of the groups the group is shared with; and
 * `GET /projects/:id/invited_groups`, the groups themselves.
 *
 * `acme/app` (private) is shared with `team` at Reporter; `acme` is shared with `friends` at Developer.
 */
describe('REST: shares in members/all, and invited_groups', () => {
  let h: Harness;
  const token = new Map<string, string>();
  const users: Record<string, User> = {};
  let acme: Namespace;
  let app: Project;
  let team: Namespace;
  let friends: Namespace;

  const get = (who: string | null, url: string) => h.rest('GET', url, who && token.get(who)!);

  /** `username: access_level` of a members list, sorted by username. */
  async function levels(who: string, url: string): Promise<Record<string, number>> {
    const res = await get(who, url);
    expect(res.status).toBe(200);
    return Object.fromEntries((res.body as Array<{ username: string; access_level: number }>).map((m) => [m.username, m.access_level]).sort());
  }

  beforeAll(async () => {
    h = await startHarness();
    for (const name of ['owner', 'dev', 'maint', 'friend', 'pguest', 'outsider']) {
      users[name] = await h.createUser(name);
      token.set(name, (await h.createPat(users[name], ['api'])).secret);
    }
    acme = await h.createGroup('acme', { owner: users.owner });
    app = await h.createProject('app', 'acme');
    team = await h.createGroup('team', { owner: users.owner });
    friends = await h.createGroup('friends');
    await h.addMember({ group: team }, users.dev, DEVELOPER);
    await h.addMember({ group: team }, users.maint, MAINTAINER);
    await h.addMember({ group: friends }, users.friend, MAINTAINER);
    await h.addMember({ group: friends }, users.owner, GUEST);
    await h.addMember({ project: app }, users.maint, DEVELOPER);
    await h.addMember({ project: app }, users.pguest, GUEST);
    const share = await h.rest('POST', `/projects/${app.id}/share`, token.get('owner')!, { group_id: team.id, group_access: REPORTER });
    expect(share.status).toBe(201);
    const groupShare = await h.rest('POST', `/groups/${acme.id}/share`, token.get('owner')!, { group_id: friends.id, group_access: DEVELOPER });
    expect(groupShare.status).toBe(201);
  });
  afterAll(() => h.close());

  it("a project's members/all adds the members of the groups it and its group are shared with, at the shared role at most", async () => {
    expect(await levels('owner', `/projects/${app.id}/members/all`)).toEqual({
      owner: OWNER, // Owner of acme (inherited)
      maint: DEVELOPER, // directly a Developer: better than Maintainer of team capped at Reporter
      dev: REPORTER, // Developer of team, capped at the share's Reporter
      friend: DEVELOPER, // Maintainer of friends, capped at the share of acme
      pguest: GUEST,
    });
    // The direct list is unchanged.
    expect(await levels('owner', `/projects/${app.id}/members`)).toEqual({ maint: DEVELOPER, pguest: GUEST });
  });

  it('members/all/:user_id answers a member through a share, at the capped role; a stranger is 404', async () => {
    const dev = await get('owner', `/projects/${app.id}/members/all/${users.dev.id}`);
    expect([dev.status, dev.body.username, dev.body.access_level]).toEqual([200, 'dev', REPORTER]);
    const maint = await get('owner', `/projects/${app.id}/members/all/${users.maint.id}`);
    expect(maint.body.access_level).toBe(DEVELOPER);
    const stranger = await get('owner', `/projects/${app.id}/members/all/${users.outsider.id}`);
    expect([stranger.status, stranger.body]).toEqual([404, { message: '404 Not found' }]);
  });

  it("a group's members/all adds the members of the groups it is shared with", async () => {
    expect(await levels('owner', `/groups/${acme.id}/members/all`)).toEqual({ owner: OWNER, friend: DEVELOPER });
    expect(await levels('owner', `/groups/${acme.id}/members`)).toEqual({ owner: OWNER });
  });

  it('invited_groups lists the groups shared with the project and with the groups above it, newest first, filtered', async () => {
    const paths = async (who: string | null, query = '') => {
      const res = await get(who, `/projects/${app.id}/invited_groups${query}`);
      return res.status === 200 ? (res.body as Array<{ full_path: string }>).map((g) => g.full_path) : res.status;
    };
    expect(await paths('owner')).toEqual(['friends', 'team']);
    expect(await paths('owner', '?relation=direct')).toEqual(['team']);
    expect(await paths('owner', '?relation=inherited')).toEqual(['friends']);
    expect(await paths('owner', '?relation=direct,inherited')).toEqual(['friends', 'team']);
    expect(await paths('owner', '?search=fri')).toEqual(['friends']);
    // The owner is Owner of team, Guest of friends.
    expect(await paths('owner', `?min_access_level=${MAINTAINER}`)).toEqual(['team']);
    // A member of the project who may see neither private group gets neither; a member of one, that one.
    expect(await paths('pguest')).toEqual([]);
    expect(await paths('dev')).toEqual(['team']);
    // Who may not read the project: 404.
    expect(await paths('outsider')).toBe(404);
    expect(await paths(null)).toBe(404);
    const bad = await get('owner', `/projects/${app.id}/invited_groups?relation=sideways`);
    expect(bad.status).toBe(400);
  });
});
