import { ROTATION_RETRY_WINDOW_MS } from '../../src/core/limits';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import { addDays } from '../../src/clock';
import { TODAY, useHarness } from '../helpers/harness';

/**
 * Endpoint behaviour from the reference's acceptance cases (shared/reference/gitlab-access-tokens.md
 * §10, numbers in the test names) and the members API, as a REST caller sees it.
 */
describe('REST endpoints: tokens and members', () => {
  const h = useHarness();
  let owner: User;
  let maintainer: User;
  let developer: User;
  let root: User;
  let group: Namespace;
  let project: Project;
  const tokens: Record<string, string> = {};

  // `who` names one of `tokens`, or is a token itself.
  const call = (method: string, url: string, who: string | undefined, body?: unknown) => h.rest(method, url, who && (tokens[who] ?? who), body);

  beforeAll(async () => {
    owner = await h.createUser('owner', { name: 'Owner' });
    maintainer = await h.createUser('maint', { name: 'Maint' });
    developer = await h.createUser('dev', { name: 'Dev' });
    root = await h.createUser('root', { admin: true });
    group = await h.createGroup('top', { owner });
    project = await h.createProject('app', 'top');
    await h.addMember({ project }, maintainer, 'maintainer');
    await h.addMember({ project }, developer, 'developer');
    for (const [name, user] of Object.entries({ owner, maintainer, developer, root })) tokens[name] = (await h.createPat(user, ['api'])).secret;
  });

  describe('project access tokens', () => {
    it('1, 2, 3: creates with GitLab defaults (Maintainer, a year) and shows the secret once (22)', async () => {
      const created = await call('POST', `/projects/${project.id}/access_tokens`, 'maintainer', { name: 'test', scopes: ['api'] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'test', access_level: 40, expires_at: addDays(TODAY, 365), active: true, revoked: false });
      const shown = await call('GET', `/projects/${project.id}/access_tokens/${created.body.id}`, 'maintainer');
      expect(shown.body).not.toHaveProperty('token');
    });

    it('10, 12: a Developer may not create; a Maintainer may not mint an Owner token', async () => {
      const before = await h.rowCounts();
      const dev = await call('POST', `/projects/${project.id}/access_tokens`, 'developer', { name: 'x', scopes: ['api'] });
      expect(dev.status).toBe(400);
      expect(dev.body).toEqual({ message: '400 Bad request - User does not have permission to create project access token' });
      const owner50 = await call('POST', `/projects/${project.id}/access_tokens`, 'maintainer', { name: 'x', scopes: ['api'], access_level: 50 });
      expect(owner50.body).toEqual({ message: '400 Bad request - Access level of the token contains permissions not held by the creating user' });
      expect(await h.rowCounts()).toEqual(before);
    });

    it('17: a private project the caller cannot see is 404 Project Not Found', async () => {
      const outsider = await h.createUser('outsider');
      const response = await call('POST', `/projects/${project.id}/access_tokens`, (await h.createPat(outsider, ['api'])).secret, { name: 'x', scopes: ['api'] });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ message: '404 Project Not Found' });
    });

    it('29, 32, 33, 34: with creation disabled on the top-level group, create and rotate are refused; list and revoke still work', async () => {
      const existing = await h.createResourceToken({ project }, { name: 'before the switch' });
      await h.app.services.groups.update(h.system(), 'top', { resourceAccessTokenCreationAllowed: false });
      try {
        const created = await call('POST', `/projects/${project.id}/access_tokens`, 'owner', { name: 'x', scopes: ['api'] });
        expect(created.body).toEqual({ message: '400 Bad request - User does not have permission to create project access token' });
        expect((await call('POST', `/projects/${project.id}/access_tokens/${existing.token.id}/rotate`, 'owner')).status).toBe(401);
        expect((await call('POST', `/projects/${project.id}/access_tokens/${existing.token.id}/rotate`, 'root')).status).toBe(404);
        expect((await call('GET', `/projects/${project.id}/access_tokens`, 'maintainer')).status).toBe(200);
        expect((await call('GET', `/projects/${project.id}`, existing.secret)).status).toBe(200);
        expect((await call('DELETE', `/projects/${project.id}/access_tokens/${existing.token.id}`, 'maintainer')).status).toBe(204);
      } finally {
        await h.app.services.groups.update(h.system(), 'top', { resourceAccessTokenCreationAllowed: true });
      }
    });

    it('41, 42, 44, 45: who may read, and 404 for a token of another resource', async () => {
      const bot = await h.createResourceToken({ project }, { name: 'reader bot' });
      expect((await call('GET', `/projects/${project.id}/access_tokens`, 'developer')).body).toEqual({ message: '401 Unauthorized' });
      const asBot = await call('GET', `/projects/${project.id}/access_tokens?per_page=100`, bot.secret);
      expect(asBot.status).toBe(200);
      expect(asBot.body.map((t: { id: number }) => t.id)).toContain(bot.token.id);
      expect((await call('GET', `/projects/${project.id}/access_tokens/999999`, 'maintainer')).body).toEqual({ message: '404 project Access Token Not Found' });
      const other = await h.createProject('other', 'top');
      const response = await call('GET', `/projects/${other.id}/access_tokens/${bot.token.id}`, 'owner');
      expect(response.status).toBe(404);
    });

    it('46, 47: revoke by a Maintainer is 204; a Developer, who cannot list the tokens, gets the 404 of a missing token (GitLab: a 400 naming the bot)', async () => {
      const victim = await h.createResourceToken({ project }, { name: 'victim bot' });
      const refused = await call('DELETE', `/projects/${project.id}/access_tokens/${victim.token.id}`, 'developer');
      const missing = await call('DELETE', `/projects/${project.id}/access_tokens/424242`, 'developer');
      expect(refused.status).toBe(404);
      expect(refused.body).toEqual({ message: '404 project Access Token Not Found' });
      expect(missing.body).toEqual(refused.body);
      expect((await call('DELETE', `/projects/${project.id}/access_tokens/${victim.token.id}`, 'maintainer')).status).toBe(204);
      const shown = await call('GET', `/projects/${project.id}/access_tokens/${victim.token.id}`, 'maintainer');
      expect(shown.body).toMatchObject({ revoked: true, active: false });
      expect((await call('DELETE', `/projects/${project.id}/access_tokens/424242`, 'maintainer')).status).toBe(404);
    });

    it('55, 58, 60: rotation checks the role held, refuses Developers, and a revoked token', async () => {
      const ownerLevel = await h.createResourceToken({ project }, { name: 'owner bot', accessLevel: 50 });
      expect((await call('POST', `/projects/${project.id}/access_tokens/${ownerLevel.token.id}/rotate`, 'maintainer')).body).toEqual({
        message: '400 Bad request - Not eligible to rotate tokens with permissions not held by the user',
      });
      const plain = await h.createResourceToken({ project }, { name: 'plain bot' });
      expect((await call('POST', `/projects/${project.id}/access_tokens/${plain.token.id}/rotate`, 'developer')).body).toEqual({ message: '401 Unauthorized' });
      await call('DELETE', `/projects/${project.id}/access_tokens/${plain.token.id}`, 'owner');
      expect((await call('POST', `/projects/${project.id}/access_tokens/${plain.token.id}/rotate`, 'owner')).body).toEqual({
        message: '400 Bad request - Token already revoked',
      });
    });

    it('64, 66, 67: self-rotation with the token itself; 405 for a person; 401 for another resource\'s bot', async () => {
      const own = await h.createResourceToken({ project }, { name: 'self bot', scopes: ['self_rotate'] });
      const rotated = await call('POST', `/projects/${project.id}/access_tokens/self/rotate`, own.secret);
      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({ name: 'self bot', user_id: own.bot.id, expires_at: addDays(TODAY, 7) });
      expect((await call('GET', '/user', own.secret)).status).toBe(401);

      const person = await call('POST', `/projects/${project.id}/access_tokens/self/rotate`, 'owner');
      expect(person.status).toBe(405);
      expect(person.body).toEqual({ message: '405 Method Not Allowed' });

      // A bot of another project does not even see this private project; the group's bot sees it (it is
      // a member of the group above) but its token is not one of this project's.
      const other = await h.createProject('elsewhere', 'top');
      const foreign = await h.createResourceToken({ project: other }, { name: 'foreign bot' });
      expect((await call('POST', `/projects/${project.id}/access_tokens/self/rotate`, foreign.secret)).body).toEqual({ message: '404 Project Not Found' });
      const groupBot = await h.createResourceToken({ group }, { name: 'group bot' });
      const response = await call('POST', `/projects/${project.id}/access_tokens/self/rotate`, groupBot.secret);
      expect(response.status).toBe(401);
      expect((await call('GET', '/user', groupBot.secret)).status).toBe(200);
    });

    it('68: a revoked token presented for a rotation revokes its whole family', async () => {
      const parent = await h.createPat(developer, ['api'], { name: 'family' });
      const child = await h.app.services.tokens.rotatePersonal(h.as(developer), parent.token.id);
      // Past the window in which the same client retrying its rotation is let off (rotation-retry.test.ts).
      h.clock.advance(ROTATION_RETRY_WINDOW_MS);
      const response = await call('POST', '/personal_access_tokens/self/rotate', parent.secret);
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_token');
      expect((await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ id: child.token.id })).revoked).toBe(true);
    });

    it('65: self-rotation needs api or self_rotate', async () => {
      const readOnly = await h.createPat(developer, ['read_api'], { name: 'read only' });
      const response = await call('POST', '/personal_access_tokens/self/rotate', readOnly.secret);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ error: 'insufficient_scope', scope: 'api self_rotate' });
    });
  });

  describe('group access tokens', () => {
    it('25, 26: the group Owner creates; a Maintainer may not', async () => {
      const sub = await h.createGroup('sub', { parent: 'top' });
      await h.addMember({ group: sub }, maintainer, 'maintainer');
      const refused = await call('POST', `/groups/top%2Fsub/access_tokens`, 'maintainer', { name: 'x', scopes: ['api'] });
      expect(refused.body).toEqual({ message: '400 Bad request - User does not have permission to create group access token' });
      const created = await call('POST', `/groups/top%2Fsub/access_tokens`, 'owner', { name: 'gt', scopes: ['api'], access_level: 20 });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ access_level: 20, resource_type: 'group', resource_id: sub.id });
      expect((await call('GET', `/groups/${sub.id}/access_tokens/999999`, 'owner')).body).toEqual({ message: '404 group Access Token Not Found' });
    });
  });

  describe('personal access tokens', () => {
    it("lists one's own tokens; another user's are 401, and an administrator lists anyone's", async () => {
      const mine = await call('GET', '/personal_access_tokens?per_page=100', 'developer');
      expect(mine.status).toBe(200);
      expect(new Set(mine.body.map((t: { user_id: number }) => t.user_id))).toEqual(new Set([developer.id]));
      expect((await call('GET', `/personal_access_tokens?user_id=${owner.id}`, 'developer')).body).toEqual({ message: '401 Unauthorized' });
      const theirs = await call('GET', `/personal_access_tokens?user_id=${owner.id}`, 'root');
      expect(theirs.body.map((t: { user_id: number }) => t.user_id)).toEqual([owner.id]);
      expect((await call('GET', '/personal_access_tokens?user_id=999999', 'root')).status).toBe(404);
      const all = await call('GET', '/personal_access_tokens?per_page=100', 'root');
      expect(new Set(all.body.map((t: { user_id: number }) => t.user_id)).size).toBeGreaterThan(1);
    });

    it('creates a token for a user only as an administrator, with admin scopes its own token holds', async () => {
      const refused = await call('POST', `/users/${developer.id}/personal_access_tokens`, 'owner', { name: 'x', scopes: ['api'] });
      expect(refused.status).toBe(403);
      expect((await call('POST', '/users/999999/personal_access_tokens', 'owner', { name: 'x', scopes: ['api'] })).status).toBe(403);
      expect((await call('POST', '/users/999999/personal_access_tokens', 'root', { name: 'x', scopes: ['api'] })).body).toEqual({ message: '404 User Not Found' });
      const beyond = await call('POST', `/users/${root.id}/personal_access_tokens`, 'root', { name: 'sudo', scopes: ['api', 'sudo'] });
      expect(beyond.status).toBe(422);
      expect(beyond.body).toEqual({ message: 'Scopes of the token contain permissions not held by the creating token' });
      const { secret: sudoToken } = await h.createPat(root, ['api', 'sudo']);
      const created = await call('POST', `/users/${root.id}/personal_access_tokens`, sudoToken, { name: 'sudo', scopes: ['api', 'sudo'] });
      expect(created.status).toBe(201);
      expect(created.body.scopes).toEqual(['api', 'sudo']);
      const notAllowed = await call('POST', `/users/${developer.id}/personal_access_tokens`, 'root', { name: 'x', scopes: ['sudo'] });
      expect(notAllowed.status).toBe(422);
      expect(notAllowed.body).toEqual({ message: 'Scopes can only contain available scopes' });
    });
  });

  describe('members', () => {
    it('adds, refuses duplicates with 409, and keeps a project bot to its own project', async () => {
      const newcomer = await h.createUser('newcomer');
      const added = await call('POST', `/projects/${project.id}/members`, 'maintainer', { user_id: newcomer.id, access_level: 30 });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ id: newcomer.id, username: 'newcomer', access_level: 30 });
      const again = await call('POST', `/projects/${project.id}/members`, 'maintainer', { user_id: newcomer.id, access_level: 30 });
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ message: 'Member already exists' });

      const other = await h.createProject('third', 'top');
      const bot = await h.createResourceToken({ project: other }, { name: 'lonely bot' });
      const before = await h.rowCounts();
      const botAdded = await call('POST', `/projects/${project.id}/members`, 'maintainer', { user_id: bot.bot.id, access_level: 30 });
      expect(botAdded.status).toBe(400);
      expect(botAdded.body).toEqual({ message: { user_id: ['project bots cannot be added to other groups / projects'] } });
      expect(await h.rowCounts()).toEqual(before);

      expect((await call('POST', `/projects/${project.id}/members`, 'maintainer', { user_id: 999999, access_level: 30 })).body).toEqual({ message: '404 User Not Found' });
      expect((await call('POST', `/projects/${project.id}/members`, 'maintainer', { access_level: 30 })).status).toBe(400);
      expect((await call('POST', `/projects/${project.id}/members`, 'maintainer', { user_id: newcomer.id })).body).toEqual({ error: 'access_level is missing' });
    });

    it('refuses members management to a Developer with 403, and a Maintainer may not give Owner', async () => {
      const someone = await h.createUser('someone');
      const dev = await call('POST', `/projects/${project.id}/members`, 'developer', { user_id: someone.id, access_level: 10 });
      expect(dev.status).toBe(403);
      expect(dev.body).toEqual({ message: '403 Forbidden' });
      const owner50 = await call('POST', `/projects/${project.id}/members`, 'maintainer', { user_id: someone.id, access_level: 50 });
      expect(owner50.status).toBe(400);
      expect((await call('PUT', `/projects/${project.id}/members/${developer.id}`, 'developer', { access_level: 40 })).status).toBe(403);
      expect((await call('DELETE', `/projects/${project.id}/members/${maintainer.id}`, 'developer')).status).toBe(403);
    });

    it('updates and removes direct members only; keeps a group\'s last Owner', async () => {
      expect((await call('PUT', `/projects/${project.id}/members/${developer.id}`, 'maintainer', { access_level: 20, expires_at: addDays(TODAY, 10) })).body).toMatchObject({
        access_level: 20,
        expires_at: addDays(TODAY, 10),
      });
      expect((await call('PUT', `/projects/${project.id}/members/${owner.id}`, 'maintainer', { access_level: 20 })).body).toEqual({ message: '404 Not found' });
      expect((await call('DELETE', `/projects/${project.id}/members/${owner.id}`, 'maintainer')).body).toEqual({ message: '404 Not found' });
      const last = await call('DELETE', `/groups/${group.id}/members/${owner.id}`, 'owner');
      expect(last.status).toBe(403);
      expect((await call('GET', `/groups/${group.id}/members/${owner.id}`, 'owner')).body.access_level).toBe(50);
      expect((await call('DELETE', `/projects/${project.id}/members/${developer.id}`, 'maintainer')).status).toBe(204);
      expect((await call('GET', `/projects/${project.id}/members/${developer.id}`, 'maintainer')).body).toEqual({ message: '404 Not found' });
    });

    it('searches and filters member lists', async () => {
      const byQuery = await call('GET', `/projects/${project.id}/members/all?query=MAIN`, 'owner');
      expect(byQuery.body.map((m: { username: string }) => m.username)).toEqual(['maint']);
      const byIds = await call('GET', `/projects/${project.id}/members/all?user_ids[]=${owner.id}&user_ids[]=${maintainer.id}`, 'owner');
      expect(byIds.body.map((m: { id: number }) => m.id).sort()).toEqual([owner.id, maintainer.id].sort());
      const skipped = await call('GET', `/projects/${project.id}/members/all?skip_users=${owner.id}&per_page=100`, 'owner');
      expect(skipped.body.map((m: { id: number }) => m.id)).not.toContain(owner.id);
    });
  });

  describe('lists of projects and groups', () => {
    it('filters GET /projects and GET /groups as GitLab does', async () => {
      await h.createProject('open', 'top', { visibility: 'private' });
      const publicGroup = await h.createGroup('pub', { visibility: 'public' });
      await h.createProject('shown', 'pub', { visibility: 'public' });
      const anonymous = await call('GET', '/projects', undefined);
      expect(anonymous.body.map((p: { path_with_namespace: string }) => p.path_with_namespace)).toEqual(['pub/shown']);
      expect(anonymous.body[0]).not.toHaveProperty('permissions');
      const mine = await call('GET', '/projects?membership=true&order_by=name&sort=asc&per_page=100', 'maintainer');
      expect(mine.body.map((p: { path: string }) => p.path)).toEqual(['app']);
      const searched = await call('GET', '/projects?search=show', 'owner');
      expect(searched.body.map((p: { path: string }) => p.path)).toEqual(['shown']);
      await h.createProject('dusty', 'top');
      await h.app.services.projects.setArchived(h.system(), 'top/dusty', true);
      expect((await call('GET', '/projects?archived=true', 'owner')).body.map((p: { path: string }) => p.path)).toEqual(['dusty']);
      const active = await call('GET', '/projects?active=true&per_page=100', 'owner');
      expect(active.body.map((p: { path: string }) => p.path)).not.toContain('dusty');
      expect(active.body.map((p: { path: string }) => p.path)).toContain('app');
      expect((await call('GET', '/groups', undefined)).body.map((g: { id: number }) => g.id)).toEqual([publicGroup.id]);
      // Their groups by default (a Maintainer of top/sub), every group they can see with all_available.
      expect((await call('GET', '/groups', 'maintainer')).body.map((g: { full_path: string }) => g.full_path)).toEqual(['top/sub']);
      expect((await call('GET', '/groups', 'developer')).body).toEqual([]);
      const available = await call('GET', '/groups?all_available=true', 'developer');
      expect(available.body.map((g: { full_path: string }) => g.full_path)).toEqual(['pub']);
      // `owned`: groups the caller explicitly owns (a direct Owner membership), as GitLab's `owned_groups`.
      expect((await call('GET', '/groups?owned=true', 'owner')).body.map((g: { full_path: string }) => g.full_path)).toEqual(['top']);
      expect((await call('GET', '/groups?top_level_only=true&all_available=true', 'root')).body.map((g: { full_path: string }) => g.full_path)).toEqual(['pub', 'top']);
    });
  });
});
