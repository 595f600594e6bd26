import { Gitlab } from '@gitbeaker/rest';
import type { AddressInfo } from 'node:net';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { addDays } from '../../src/clock';
import { TODAY, useHarness } from '../helpers/harness';

/**
 * `@gitbeaker/rest`, GitLab's JavaScript client, used as its users use it, against a Labgate listening
 * on a loopback port: project, group and personal access tokens, members, users, projects, groups.
 */
describe('@gitbeaker/rest against Labgate', () => {
  const h = useHarness();
  let host: string;
  let owner: User;
  let dev: User;
  let group: Namespace;
  let project: Project;
  let api: InstanceType<typeof Gitlab>;

  /** The HTTP status of a request gitbeaker refused. */
  async function statusOf(promise: Promise<unknown>): Promise<number> {
    try {
      await promise;
    } catch (error) {
      return (error as { cause?: { response?: { status?: number } } }).cause?.response?.status ?? -1;
    }
    return 200;
  }

  beforeAll(async () => {
    const address: AddressInfo = await h.app.listen(0, '127.0.0.1');
    host = `http://127.0.0.1:${address.port}`;
    owner = await h.createUser('olivia', { name: 'Olivia Owner' });
    dev = await h.createUser('dan', { name: 'Dan Developer' });
    group = await h.createGroup('beaker', { owner });
    project = await h.createProject('tube', 'beaker');
    api = new Gitlab({ host, token: (await h.createPat(owner, ['api'])).secret });
  });

  it('Users.showCurrentUser, Projects.show and Groups.show', async () => {
    const me = await api.Users.showCurrentUser();
    expect(me).toMatchObject({ id: owner.id, username: 'olivia', name: 'Olivia Owner', state: 'active' });
    const shown = await api.Projects.show('beaker/tube');
    expect(shown).toMatchObject({ id: project.id, path_with_namespace: 'beaker/tube', visibility: 'private', namespace: { id: group.id, kind: 'group' } });
    expect(shown.permissions).toEqual({ project_access: null, group_access: { access_level: 50, notification_level: 3 } });
    const g = await api.Groups.show(group.id);
    expect(g).toMatchObject({ id: group.id, full_path: 'beaker', visibility: 'private' });
    expect((g.projects as Array<{ id: number }>).map((p) => p.id)).toEqual([project.id]);
  });

  it('ProjectAccessTokens: create, all, show, rotate, revoke', async () => {
    const expiresAt = addDays(TODAY, 30);
    const created = await api.ProjectAccessTokens.create(project.id, 'deploy', ['read_api', 'read_repository'], expiresAt, { accessLevel: 30 });
    expect(created).toMatchObject({ name: 'deploy', scopes: ['read_api', 'read_repository'], access_level: 30, expires_at: expiresAt, active: true, revoked: false });
    expect(created.token).toMatch(/^glpat-/);

    // The new token works, with its own role.
    const asBot = new Gitlab({ host, token: created.token as string });
    expect((await asBot.Projects.show(project.id)).id).toBe(project.id);

    const all = await api.ProjectAccessTokens.all(project.id);
    expect(all.map((t) => t.id)).toEqual([created.id]);
    expect(all[0]).not.toHaveProperty('token');
    const shown = await api.ProjectAccessTokens.show(project.id, created.id);
    expect(shown).toMatchObject({ id: created.id, user_id: created.user_id, access_level: 30 });

    const rotated = await api.ProjectAccessTokens.rotate(project.id, created.id);
    expect(rotated.id).not.toBe(created.id);
    expect(rotated).toMatchObject({ name: 'deploy', user_id: created.user_id, expires_at: addDays(TODAY, 7), access_level: 30 });
    expect(await statusOf(asBot.Projects.show(project.id))).toBe(401);
    expect((await new Gitlab({ host, token: rotated.token as string }).Projects.show(project.id)).id).toBe(project.id);

    await api.ProjectAccessTokens.revoke(project.id, rotated.id);
    const after = await api.ProjectAccessTokens.all(project.id, { state: 'inactive' } as never);
    expect(after.map((t) => t.id).sort()).toEqual([created.id, rotated.id].sort());
    expect(await statusOf(api.ProjectAccessTokens.show(project.id, 999999))).toBe(404);
  });

  it('ProjectAccessTokens: a Developer is refused as GitLab refuses', async () => {
    await h.addMember({ project }, dev, 'developer');
    const asDev = new Gitlab({ host, token: (await h.createPat(dev, ['api'])).secret });
    const before = await h.rowCounts();
    expect(await statusOf(asDev.ProjectAccessTokens.create(project.id, 'nope', ['api'], addDays(TODAY, 5)))).toBe(400);
    expect(await statusOf(asDev.ProjectAccessTokens.all(project.id))).toBe(401);
    expect(await h.rowCounts()).toEqual(before);
  });

  it('GroupAccessTokens: create, all, show, rotate, revoke', async () => {
    const created = await api.GroupAccessTokens.create(group.id, 'ci', ['api'], addDays(TODAY, 10), { accessLevel: 40 });
    expect(created).toMatchObject({ name: 'ci', access_level: 40, resource_type: 'group', resource_id: group.id });
    expect((await api.GroupAccessTokens.all('beaker')).map((t) => t.id)).toEqual([created.id]);
    expect((await api.GroupAccessTokens.show(group.id, created.id)).name).toBe('ci');
    const rotated = await api.GroupAccessTokens.rotate(group.id, created.id, { expiresAt: addDays(TODAY, 20) });
    expect(rotated.expires_at).toBe(addDays(TODAY, 20));
    await api.GroupAccessTokens.revoke(group.id, rotated.id);
    expect((await api.GroupAccessTokens.show(group.id, rotated.id)).revoked).toBe(true);
  });

  it('PersonalAccessTokens: all, show, show self, rotate, remove; create for a user as administrator', async () => {
    const root = await h.createUser('root', { admin: true });
    const admin = new Gitlab({ host, token: (await h.createPat(root, ['api'])).secret });
    const created = await admin.PersonalAccessTokens.create(dev.id, 'laptop', ['read_api', 'self_rotate'], { expiresAt: addDays(TODAY, 60) });
    expect(created).toMatchObject({ name: 'laptop', user_id: dev.id, scopes: ['read_api', 'self_rotate'], expires_at: addDays(TODAY, 60) });
    expect(await statusOf(api.PersonalAccessTokens.create(dev.id, 'nope', ['api']))).toBe(403);

    const asDev = new Gitlab({ host, token: created.token as string });
    const self = await asDev.PersonalAccessTokens.show();
    // This very request used the token: its address is the first of `last_used_ips`.
    expect(self).toMatchObject({ id: created.id, name: 'laptop', last_used_ips: ['127.0.0.1'] });
    const mine = await asDev.PersonalAccessTokens.all();
    expect(mine.map((t) => t.user_id)).toEqual(mine.map(() => dev.id));
    expect(mine.map((t) => t.id)).toContain(created.id);
    // Someone else's token: hidden (401) from a user, 404 for an administrator when missing.
    expect(await statusOf(api.PersonalAccessTokens.show({ tokenId: created.id }))).toBe(401);
    expect(await statusOf(admin.PersonalAccessTokens.show({ tokenId: 999999 }))).toBe(404);
    expect((await admin.PersonalAccessTokens.all({ userId: dev.id } as never)).map((t) => t.id)).toContain(created.id);

    const rotated = await admin.PersonalAccessTokens.rotate(created.id, { expiresAt: addDays(TODAY, 3) });
    expect(rotated).toMatchObject({ name: 'laptop', expires_at: addDays(TODAY, 3) });
    expect(await statusOf(asDev.Users.showCurrentUser())).toBe(401);

    const second = new Gitlab({ host, token: rotated.token as string });
    const selfRotated = await second.PersonalAccessTokens.rotate('self');
    const third = new Gitlab({ host, token: selfRotated.token as string });
    await third.PersonalAccessTokens.remove();
    expect(await statusOf(third.Users.showCurrentUser())).toBe(401);
  });

  it('ProjectMembers and GroupMembers: add, all, show, edit, remove', async () => {
    const erin = await h.createUser('erin', { name: 'Erin' });
    const added = await api.ProjectMembers.add(project.id, 20, { userId: erin.id, expiresAt: addDays(TODAY, 90) });
    expect(added).toMatchObject({ id: erin.id, username: 'erin', access_level: 20, expires_at: addDays(TODAY, 90), created_by: { id: owner.id } });
    expect(await statusOf(api.ProjectMembers.add(project.id, 20, { userId: erin.id }))).toBe(409);

    // The bot of the project's (revoked) access token stays a member, as in GitLab.
    const people = (members: Array<{ username: string }>) => members.map((m) => m.username).filter((u) => !/^(project|group)_\d+_bot_/.test(u)).sort();
    const direct = await api.ProjectMembers.all(project.id);
    expect(people(direct)).toEqual(['dan', 'erin']);
    expect(direct.some((m) => m.username.startsWith(`project_${project.id}_bot_`))).toBe(true);
    const inherited = await api.ProjectMembers.all(project.id, { includeInherited: true });
    expect(people(inherited)).toEqual(['dan', 'erin', 'olivia']);
    expect((await api.ProjectMembers.show(project.id, erin.id)).access_level).toBe(20);
    expect((await api.ProjectMembers.show(project.id, owner.id, { includeInherited: true })).access_level).toBe(50);
    expect(await statusOf(api.ProjectMembers.show(project.id, owner.id))).toBe(404);

    const edited = await api.ProjectMembers.edit(project.id, erin.id, 30);
    expect(edited.access_level).toBe(30);
    await api.ProjectMembers.remove(project.id, erin.id);
    expect(await statusOf(api.ProjectMembers.show(project.id, erin.id))).toBe(404);

    const g = await api.GroupMembers.add(group.id, 10, { username: 'erin' });
    expect(g).toMatchObject({ id: erin.id, access_level: 10 });
    const groupPeople = (members: Array<{ username: string }>) => members.map((m) => m.username).filter((u) => !u.startsWith('group_')).sort();
    expect(groupPeople(await api.GroupMembers.all('beaker'))).toEqual(['erin', 'olivia']);
    expect((await api.GroupMembers.edit(group.id, erin.id, 40)).access_level).toBe(40);
    expect((await api.GroupMembers.show(group.id, erin.id)).access_level).toBe(40);
    await api.GroupMembers.remove(group.id, erin.id);
    expect(groupPeople(await api.GroupMembers.all(group.id))).toEqual(['olivia']);
  });

  it('follows GitLab pagination through every page', async () => {
    const paged = await h.createProject('many', 'beaker');
    for (let i = 0; i < 7; i += 1) await h.createResourceToken({ project: paged }, { name: `t${i}` });
    const all = await api.ProjectAccessTokens.all(paged.id, { perPage: 3 } as never);
    expect(all.map((t) => t.name)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    const { data, paginationInfo } = await api.ProjectAccessTokens.all(paged.id, { perPage: 3, page: 2, showExpanded: true, maxPages: 1 } as never) as never as {
      data: Array<{ name: string }>;
      paginationInfo: Record<string, unknown>;
    };
    expect(data.map((t) => t.name)).toEqual(['t3', 't4', 't5']);
    expect(paginationInfo).toMatchObject({ total: 7, totalPages: 3, current: 2, next: 3, previous: 1, perPage: 3 });
  });
});
