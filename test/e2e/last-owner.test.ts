import { Member } from '../../src/modules/member/member.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { User } from '../../src/modules/user/user.entity';
import { useHarness } from '../helpers/harness';

/**
 * The last-Owner rule, asked two ways that must agree: `Group.userPermissions.canLeave` (GitLab's
 * `leave_group`) and the removal itself (`DELETE /groups/:id/members/:user_id`, GitLab's
 * `Members::DestroyService`). GitLab counts the Owners of the group and of the groups above it, bots
 * left out (`Group#last_owner?`): a group whose other Owner sits on its parent may lose its only
 * direct Owner.
 */
describe('the last Owner of a group', () => {
  const h = useHarness();
  const u: Record<string, User> = {};
  const tokens: Record<string, string> = {};

  const CAN_LEAVE = `query($path: ID!) { group(fullPath: $path) { userPermissions { canLeave } } }`;

  async function canLeave(path: string, who: string): Promise<boolean> {
    const res = await h.gql(CAN_LEAVE, { path }, { token: tokens[who] });
    expect(res.errors).toBeUndefined();
    return res.data.group.userPermissions.canLeave;
  }

  function leave(group: Namespace, who: string) {
    return h.rest('DELETE', `/groups/${group.id}/members/${u[who].id}`, tokens[who]);
  }

  const isMember = async (group: Namespace, who: string) =>
    h.app.dataSource.getRepository(Member).existsBy({ sourceType: 'Namespace', sourceId: group.id, userId: u[who].id });

  beforeAll(async () => {
    for (const name of ['top', 'subowner', 'solo', 'soloparent']) {
      u[name] = await h.createUser(name);
      tokens[name] = (await h.createPat(u[name], ['api'])).secret;
    }
  });

  it('may go when another Owner sits on the parent group: canLeave and the removal agree', async () => {
    const parent = await h.createGroup('acme', { owner: u.top });
    const sub = await h.createGroup('team', { parent: 'acme' });
    await h.addMember({ group: sub }, u.subowner, 'owner');

    expect(await canLeave('acme/team', 'subowner')).toBe(true);
    const res = await leave(sub, 'subowner');
    expect(res.status).toBe(204);
    expect(await isMember(sub, 'subowner')).toBe(false);
    // The parent's Owner is the parent's last: it may not leave, and its removal is refused.
    expect(await canLeave('acme', 'top')).toBe(false);
    expect((await leave(parent, 'top')).status).toBe(403);
    expect(await isMember(parent, 'top')).toBe(true);
  });

  it('may not go when nobody else owns the group or a group above it', async () => {
    const top = await h.createGroup('alone', { owner: u.soloparent });
    // The parent's Owner is only a Developer of it now: nobody above owns the subgroup.
    await h.app.dataSource.getRepository(Member).update({ sourceType: 'Namespace', sourceId: top.id, userId: u.soloparent.id }, { accessLevel: 30 });
    const sub = await h.createGroup('inner', { parent: 'alone' });
    await h.addMember({ group: sub }, u.solo, 'owner');

    expect(await canLeave('alone/inner', 'solo')).toBe(false);
    const res = await leave(sub, 'solo');
    expect(res.status).toBe(403);
    expect(res.body).toEqual({ message: '403 Forbidden' });
    expect(await isMember(sub, 'solo')).toBe(true);
  });
});
