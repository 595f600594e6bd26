import { GroupGroupLink, ProjectGroupLink } from '../../src/modules/group-link/group-link.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { DEVELOPER, GUEST, MAINTAINER, OWNER, REPORTER } from '../../src/policy/access-level';
import { startHarness, type Harness } from '../helpers/harness';

/**
 * GitLab's REST sharing endpoints, case by case (the numbered acceptance cases of
 * gitlab-git-registry-deploy-sharing.md §4.7): statuses, bodies, and that a refusal changes nothing.
 */
describe('REST: sharing projects and groups with groups', () => {
  let h: Harness;
  const token = new Map<string, string>();
  let acme: Namespace;
  let app: Project;
  let g: Namespace;
  let secret: Namespace;
  let pub: Namespace;
  let users: Record<string, User>;

  const call = (who: string, method: 'POST' | 'DELETE' | 'GET', url: string, body?: unknown) => h.rest(method, url, token.get(who)!, body);

  async function linkCounts() {
    return {
      projects: await h.app.dataSource.getRepository(ProjectGroupLink).count(),
      groups: await h.app.dataSource.getRepository(GroupGroupLink).count(),
    };
  }

  beforeAll(async () => {
    h = await startHarness();
    acme = await h.createGroup('acme');
    app = await h.createProject('app', 'acme');
    g = await h.createGroup('g');
    secret = await h.createGroup('secret');
    pub = await h.createGroup('pub', { visibility: 'public' });
    users = {};
    for (const name of ['powner', 'pmaint', 'pdev', 'g_dev', 'g_maint', 'g_guest', 'gowner', 'aowner', 'amaint', 'outsider']) {
      users[name] = await h.createUser(name);
      token.set(name, (await h.createPat(users[name], ['api'])).secret);
    }
    await h.addMember({ project: app }, users.powner, OWNER);
    await h.addMember({ project: app }, users.pmaint, MAINTAINER);
    await h.addMember({ project: app }, users.pdev, DEVELOPER);
    await h.addMember({ group: g }, users.powner, GUEST);
    await h.addMember({ group: g }, users.g_dev, DEVELOPER);
    await h.addMember({ group: g }, users.g_maint, MAINTAINER);
    await h.addMember({ group: g }, users.g_guest, GUEST);
    await h.addMember({ group: g }, users.gowner, OWNER);
    await h.addMember({ group: acme }, users.aowner, OWNER);
    await h.addMember({ group: acme }, users.amaint, MAINTAINER);
  });
  afterAll(() => h.close());

  async function levelOn(who: string, path: string): Promise<number | null> {
    const res = await h.gql(`query($p: ID!) { project(fullPath: $p) { maxAccessLevel { integerValue } } }`, { p: path }, { token: token.get(who)! });
    return res.data.project?.maxAccessLevel.integerValue ?? null;
  }

  it('refuses a project Developer at the API gate (403), a Maintainer in the service (404), and changes nothing (cases 3, 4)', async () => {
    const before = await linkCounts();
    const dev = await call('pdev', 'POST', `/projects/${app.id}/share`, { group_id: g.id, group_access: DEVELOPER });
    expect([dev.status, dev.body]).toEqual([403, { message: '403 Forbidden' }]);
    await h.addMember({ group: g }, users.pmaint, GUEST);
    const maint = await call('pmaint', 'POST', `/projects/${app.id}/share`, { group_id: g.id, group_access: DEVELOPER });
    expect([maint.status, maint.body]).toEqual([404, { message: 'Not Found' }]);
    expect(await linkCounts()).toEqual(before);
  });

  it('answers 404 to an Owner sharing with a private group they do not belong to, or an unknown one (case 5)', async () => {
    for (const groupId of [secret.id, 999999]) {
      const res = await call('powner', 'POST', `/projects/${app.id}/share`, { group_id: groupId, group_access: DEVELOPER });
      expect([res.status, res.body]).toEqual([404, { message: 'Not Found' }]);
    }
  });

  it("refuses bad parameters with Grape's messages (case 6)", async () => {
    const missing = await call('powner', 'POST', `/projects/${app.id}/share`, { group_access: DEVELOPER });
    expect([missing.status, missing.body]).toEqual([400, { error: 'group_id is missing' }]);
    const bad = await call('powner', 'POST', `/projects/${app.id}/share`, { group_id: g.id, group_access: 99 });
    expect([bad.status, bad.body]).toEqual([400, { error: 'group_access does not have a valid value' }]);
    const date = await call('powner', 'POST', `/projects/${app.id}/share`, { group_id: g.id, group_access: DEVELOPER, expires_at: 'soon' });
    expect(date.status).toBe(400);
    expect(await linkCounts()).toEqual({ projects: 0, groups: 0 });
  });

  it('shares a project: 201 with the link; members of the group get the lower of the two roles (cases 1, 2)', async () => {
    expect(await levelOn('g_dev', 'acme/app')).toBeNull();
    const res = await call('powner', 'POST', `/projects/${app.id}/share`, { group_id: g.id, group_access: REPORTER, expires_at: '2026-02-01' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: expect.any(Number), project_id: app.id, group_id: g.id, group_access: REPORTER, expires_at: '2026-02-01' });
    expect(await levelOn('g_maint', 'acme/app')).toBe(REPORTER);
    expect(await levelOn('g_dev', 'acme/app')).toBe(REPORTER);
    expect(await levelOn('g_guest', 'acme/app')).toBe(GUEST);
    // The project body lists the share.
    const project = await call('g_dev', 'GET', `/projects/${app.id}`);
    expect(project.body.shared_with_groups).toEqual([
      { group_id: g.id, group_name: 'g', group_full_path: 'g', group_access_level: REPORTER, expires_at: '2026-02-01' },
    ]);
  });

  it('answers 409 to the same share twice, and to a share with its own group (cases 7, 8)', async () => {
    const twice = await call('powner', 'POST', `/projects/${app.id}/share`, { group_id: g.id, group_access: DEVELOPER });
    expect([twice.status, twice.body]).toEqual([409, { message: 'Project already shared with this group' }]);
    const own = await call('aowner', 'POST', `/projects/${app.id}/share`, { group_id: acme.id, group_access: DEVELOPER });
    expect([own.status, own.body]).toEqual([409, { message: 'Project cannot be shared with the group it is in or one of its ancestors.' }]);
  });

  it('unshares a project: 403 for a Maintainer who does not own the group, 204 when they own it, 403 at the gate for a Developer (case 20)', async () => {
    const dev = await call('pdev', 'DELETE', `/projects/${app.id}/share/${g.id}`);
    expect([dev.status, dev.body]).toEqual([403, { message: '403 Forbidden' }]);
    const maint = await call('pmaint', 'DELETE', `/projects/${app.id}/share/${g.id}`);
    expect([maint.status, maint.body]).toEqual([403, { message: 'Forbidden' }]);
    expect((await linkCounts()).projects).toBe(1);
    await h.addMember({ project: app }, users.gowner, MAINTAINER);
    const owner = await call('gowner', 'DELETE', `/projects/${app.id}/share/${g.id}`);
    expect(owner.status).toBe(204);
    expect((await linkCounts()).projects).toBe(0);
    expect(await levelOn('g_dev', 'acme/app')).toBeNull();
    const again = await call('powner', 'DELETE', `/projects/${app.id}/share/${g.id}`);
    expect([again.status, again.body]).toEqual([404, { message: '404 Group Link Not Found' }]);
    const word = await call('powner', 'DELETE', `/projects/${app.id}/share/foo`);
    expect(word.status).toBe(400);
  });

  it("refuses to share a project inside a group that locks sharing (400), and the lock ends existing links' access (case 9)", async () => {
    const res = await call('powner', 'POST', `/projects/${app.id}/share`, { group_id: g.id, group_access: DEVELOPER });
    expect(res.status).toBe(201);
    expect(await levelOn('g_dev', 'acme/app')).toBe(DEVELOPER);
    await h.app.services.groupLinks.setShareWithGroupLock(h.system(), acme, true);
    expect(await levelOn('g_dev', 'acme/app')).toBeNull();
    const refused = await call('powner', 'POST', `/projects/${app.id}/share`, { group_id: pub.id, group_access: DEVELOPER });
    expect([refused.status, refused.body]).toEqual([400, { message: 'The project sharing with group is disabled' }]);
    const group = await call('aowner', 'GET', `/groups/${acme.id}`);
    expect(group.body.share_with_group_lock).toBe(true);
    await h.app.services.groupLinks.setShareWithGroupLock(h.system(), acme, false);
    expect(await levelOn('g_dev', 'acme/app')).toBe(DEVELOPER);
  });

  it('with prevent_sharing_groups_outside_hierarchy, refuses an outside group (404) and takes one of the hierarchy (case 10)', async () => {
    const inner = await h.createGroup('inner', { parent: 'acme' });
    const other = await h.createProject('other', 'acme');
    await h.addMember({ project: other }, users.powner, OWNER);
    await h.addMember({ group: inner }, users.powner, GUEST);
    await h.app.services.groupLinks.setPreventSharingOutsideHierarchy(h.system(), acme, true);
    const outside = await call('powner', 'POST', `/projects/${other.id}/share`, { group_id: g.id, group_access: DEVELOPER });
    expect([outside.status, outside.body]).toEqual([404, { message: 'Not Found' }]);
    const inside = await call('powner', 'POST', `/projects/${other.id}/share`, { group_id: inner.id, group_access: DEVELOPER });
    expect(inside.status).toBe(201);
    await h.app.services.groupLinks.setPreventSharingOutsideHierarchy(h.system(), acme, false);
  });

  it('shares a group: an Owner may invite a public group without belonging to it; 201 with shared_with_groups (cases 15, 17)', async () => {
    const res = await call('aowner', 'POST', `/groups/${acme.id}/share`, { group_id: pub.id, group_access: DEVELOPER });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(acme.id);
    expect(res.body.shared_with_groups).toEqual([
      { group_id: pub.id, group_name: 'pub', group_full_path: 'pub', group_access_level: DEVELOPER, expires_at: null },
    ]);
    const twice = await call('aowner', 'POST', `/groups/${acme.id}/share`, { group_id: pub.id, group_access: GUEST });
    expect([twice.status, twice.body]).toEqual([409, { message: 'The group has already been shared with this group' }]);
  });

  it('refuses a group Maintainer (404) and a group the caller cannot see (404 Group Not Found) (case 16)', async () => {
    const before = await linkCounts();
    const maint = await call('amaint', 'POST', `/groups/${acme.id}/share`, { group_id: pub.id, group_access: DEVELOPER });
    expect([maint.status, maint.body]).toEqual([404, { message: 'Not Found' }]);
    const hidden = await call('aowner', 'POST', `/groups/${acme.id}/share`, { group_id: secret.id, group_access: DEVELOPER });
    expect([hidden.status, hidden.body]).toEqual([404, { message: '404 Group Not Found' }]);
    expect(await linkCounts()).toEqual(before);
  });

  it('unshares a group: a Maintainer gets 204 and the link stays, the Owner gets 204 and it goes; none: 404 (cases 18, 19)', async () => {
    const maint = await call('amaint', 'DELETE', `/groups/${acme.id}/share/${pub.id}`);
    expect(maint.status).toBe(204);
    expect((await linkCounts()).groups).toBe(1);
    const owner = await call('aowner', 'DELETE', `/groups/${acme.id}/share/${pub.id}`);
    expect(owner.status).toBe(204);
    expect((await linkCounts()).groups).toBe(0);
    const none = await call('aowner', 'DELETE', `/groups/${acme.id}/share/${pub.id}`);
    expect([none.status, none.body]).toEqual([404, { message: '404 Group Link Not Found' }]);
  });

  it('gives direct members of the invited group the capped role in the shared group (case 13), and lists it as GitLab does', async () => {
    await h.addMember({ group: g }, users.aowner, GUEST);
    const shared = await call('aowner', 'POST', `/groups/${acme.id}/share`, { group_id: g.id, group_access: REPORTER });
    expect(shared.status).toBe(201);
    const res = await h.gql(`{ group(fullPath: "acme") { maxAccessLevel { integerValue } } }`, {}, { token: token.get('g_maint')! });
    expect(res.data.group.maxAccessLevel.integerValue).toBe(REPORTER);
    const detail = await call('g_maint', 'GET', `/groups/${acme.id}`);
    expect(detail.body.shared_with_groups.map((s: { group_full_path: string }) => s.group_full_path)).toEqual(['g']);
  });

  it('lists what a group was invited into: GET /groups/:id/groups/shared and /groups/:id/projects/shared', async () => {
    const groupsShared = await call('g_maint', 'GET', `/groups/${g.id}/groups/shared`);
    expect(groupsShared.status).toBe(200);
    expect(groupsShared.body.map((x: { full_path: string }) => x.full_path)).toEqual(['acme']);
    expect(groupsShared.headers['x-total']).toBe('1');
    const projectsShared = await call('g_dev', 'GET', `/groups/${g.id}/projects/shared`);
    expect(projectsShared.body.map((x: { path_with_namespace: string }) => x.path_with_namespace)).toEqual(['acme/app']);
    const developer = await call('g_guest', 'GET', `/groups/${g.id}/projects/shared?min_access_level=30`);
    expect(developer.body).toEqual([]);
    const hidden = await call('outsider', 'GET', `/groups/${g.id}/groups/shared`);
    expect([hidden.status, hidden.body]).toEqual([404, { message: '404 Group Not Found' }]);
  });
});
