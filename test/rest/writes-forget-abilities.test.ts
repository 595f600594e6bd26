import { RequestContext } from '../../src/core/context';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import { Member } from '../../src/modules/member/member.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { User } from '../../src/modules/user/user.entity';
import { REST_ROUTES } from '../../src/rest/routes';
import { object, type RestCall } from '../../src/rest/route';
import { useHarness } from '../helpers/harness';

/**
 * Abilities computed in a request are forgotten after any write, whichever transport and service
 * made it: the data layer counts writes and the request context compares (db/write-count.ts). No REST endpoint
 * reads an ability again after its write, so the REST case is shown with a route added for this test
 * only, served by the real REST plugin (authentication, `:id` lookup, handler): it asks an ability,
 * demotes the caller through the member service (what `PUT /groups/:id/members/:user_id` calls), and
 * asks again.
 */
async function demoteSelfAndAsk(call: RestCall): Promise<unknown> {
  const { ctx } = call;
  const before = await ctx.app.policy.groups.can(ctx, call.group, 'admin_group');
  await ctx.services.members.bulkUpdate(ctx, { kind: 'Namespace', group: call.group }, [ctx.actor.userId!], 40, null);
  const after = await ctx.app.policy.groups.can(ctx, call.group, 'admin_group');
  return { before, after };
}

REST_ROUTES.push({
  method: 'PUT',
  url: '/groups/:id/test-demote-self',
  operationId: 'testDemoteSelf',
  summary: 'Test only.',
  tags: ['test'],
  auth: 'required',
  resource: 'group',
  boundary: 'group',
  permission: null,
  params: object({ id: { type: 'string' } }, ['id']),
  success: { status: 200, description: 'Abilities before and after.' },
  handler: demoteSelfAndAsk,
});

describe('abilities after a write', () => {
  const h = useHarness();
  const u: Record<string, User> = {};
  const tokens: Record<string, string> = {};
  let group: Namespace;

  beforeAll(async () => {
    for (const name of ['first', 'second']) {
      u[name] = await h.createUser(name);
      tokens[name] = (await h.createPat(u[name], ['api'])).secret;
    }
    group = await h.createGroup('acme', { owner: u.first });
    await h.addMember({ group }, u.second, 'owner');
  });

  const levelOf = async (user: User) =>
    (await h.app.dataSource.getRepository(Member).findOneBy({ sourceType: 'Namespace', sourceId: group.id, userId: user.id }))?.accessLevel;

  it('over REST: an Owner who demotes themselves no longer holds Owner abilities later in the same request', async () => {
    const res = await h.rest('PUT', `/groups/${group.id}/test-demote-self`, tokens.first);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ before: true, after: false });
    expect(await levelOf(u.first)).toBe(40);
  });

  it('a write made straight through the data source is noticed too', async () => {
    const ctx = new RequestContext(h.app, { user: u.second, token: null, scopes: null });
    const before = await h.app.policy.groups.can(ctx, group, 'admin_group');
    await h.app.dataSource.getRepository(Member).update({ sourceType: 'Namespace', sourceId: group.id, userId: u.second.id }, { accessLevel: 30 });
    expect({ before, after: await h.app.policy.groups.can(ctx, group, 'admin_group') }).toEqual({ before: true, after: false });
  });

  it('without a write, and after the last-use bookkeeping of a token, what was computed stays', async () => {
    const ctx = new RequestContext(h.app, { user: u.second, token: null, scopes: null });
    let computed = 0;
    const ask = () => ctx.memo('question', async () => ++computed);
    await ask();
    await ask();
    await h.app.dataSource.createQueryBuilder().update(PersonalAccessToken).set({ lastUsedAt: new Date() }).where('user_id = :id', { id: u.second.id }).execute();
    await ask();
    expect(computed).toBe(1);
    await h.app.dataSource.getRepository(Member).update({ sourceType: 'Namespace', sourceId: group.id, userId: u.second.id }, { accessLevel: 50 });
    await ask();
    expect(computed).toBe(2);
  });

  it('a settled value is answered without a promise, until a write', async () => {
    const ctx = new RequestContext(h.app, { user: u.second, token: null, scopes: null });
    let computed = 0;
    const ask = () => ctx.memoValue('name', async () => `name ${++computed}`);
    const first = ask();
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toBe('name 1');
    expect(ask()).toBe('name 1');
    await h.app.dataSource.getRepository(Member).update({ sourceType: 'Namespace', sourceId: group.id, userId: u.second.id }, { accessLevel: 40 });
    const again = ask();
    expect(again).toBeInstanceOf(Promise);
    expect(await again).toBe('name 2');
    expect(ask()).toBe('name 2');
  });
});
