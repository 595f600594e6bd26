import { authenticateClient } from '../../src/auth/pipeline';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { useHarness } from '../helpers/harness';

/**
 * The deploy token REST API (`lib/api/deploy_tokens.rb`) as a client sees it, with the reference's
 * acceptance cases (gitlab-git-registry-deploy-sharing.md §3.5, numbers in the test names).
 */
describe('REST deploy tokens', () => {
  const h = useHarness();
  let project: Project;
  let publicProject: Project;
  let otherProject: Project;
  let group: Namespace;
  let sub: Namespace;
  const tokens: Record<string, string> = {};
  const users: Record<string, User> = {};

  // `who` names one of `tokens`, or is a token itself.
  const call = (method: string, url: string, who: string | undefined, body?: unknown) => h.rest(method, url, who && (tokens[who] ?? who), body);
  const form = (url: string, who: string, fields: Record<string, string>) =>
    h.rest('POST', url, tokens[who], new URLSearchParams(fields).toString(), { 'content-type': 'application/x-www-form-urlencoded' });

  beforeAll(async () => {
    for (const name of ['owner', 'gmaint', 'gdev', 'maint', 'dev', 'outsider']) users[name] = await h.createUser(name);
    users.root = await h.createUser('root', { admin: true });
    group = await h.createGroup('corp', { owner: users.owner });
    sub = await h.createGroup('team', { parent: 'corp' });
    await h.createGroup('solo', { visibility: 'public' });
    project = await h.createProject('api', 'corp/team');
    publicProject = await h.createProject('site', 'solo', { visibility: 'public' });
    otherProject = await h.createProject('other', 'solo');
    await h.addMember({ group }, users.gmaint, 'maintainer');
    await h.addMember({ group }, users.gdev, 'developer');
    await h.addMember({ project }, users.maint, 'maintainer');
    await h.addMember({ project }, users.dev, 'developer');
    await h.addMember({ project: publicProject }, users.maint, 'maintainer');
    for (const [name, user] of Object.entries(users)) tokens[name] = (await h.createPat(user, ['api'])).secret;
    tokens.readApi = (await h.createPat(users.maint, ['read_api'])).secret;
  });

  describe('projects', () => {
    it('1: a Maintainer creates a token: 201, default user name, no expiry, gldt- secret shown once', async () => {
      const created = await call('POST', `/projects/${project.id}/deploy_tokens`, 'maint', { name: 'ci', scopes: ['read_repository'] });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(Number),
        name: 'ci',
        username: `gitlab+deploy-token-${created.body.id}`,
        expires_at: null,
        scopes: ['read_repository'],
        revoked: false,
        expired: false,
        token: expect.stringMatching(/^gldt-[A-Za-z0-9_-]{20}$/),
      });
      const shown = await call('GET', `/projects/${project.id}/deploy_tokens/${created.body.id}`, 'maint');
      expect(shown.status).toBe(200);
      expect(shown.body).not.toHaveProperty('token');
      expect(shown.body).toEqual({ ...created.body, token: undefined });
      // The secret opens Git and the registry under the token's user name.
      expect(await authenticateClient(h.app, { login: created.body.username, password: created.body.token }, '192.0.2.1')).toMatchObject({
        status: 'authenticated',
        actor: { kind: 'deploy-token' },
      });
    });

    it('takes scopes as a comma-separated string and a form body, a custom user name and an ISO expiry', async () => {
      const created = await form(`/projects/${project.id}/deploy_tokens`, 'maint', {
        name: 'deploy',
        scopes: 'read_registry,write_registry',
        username: 'deployer',
        expires_at: '2027-03-15T08:00:00Z',
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ username: 'deployer', scopes: ['read_registry', 'write_registry'], expires_at: '2027-03-15T08:00:00.000Z', expired: false });
      const dateOnly = await call('POST', `/projects/${project.id}/deploy_tokens`, 'maint', { name: 'd', scopes: ['read_repository'], expires_at: '2027-01-02' });
      expect(dateOnly.body.expires_at).toBe('2027-01-02T00:00:00.000Z');
      // null is absent, as Grape reads an optional parameter sent as null.
      const nulls = await call('POST', `/projects/${project.id}/deploy_tokens`, 'maint', { name: 'n', scopes: ['read_repository'], expires_at: null, username: null });
      expect(nulls.status).toBe(201);
      expect(nulls.body).toMatchObject({ expires_at: null, username: `gitlab+deploy-token-${nulls.body.id}` });
    });

    it('a token whose expiry has passed is shown expired, and left out by active=true (20)', async () => {
      const past = await call('POST', `/projects/${project.id}/deploy_tokens`, 'maint', { name: 'old', scopes: ['read_repository'], expires_at: '2025-01-01' });
      expect(past.status).toBe(201);
      expect(past.body).toMatchObject({ expired: true, revoked: false });
      const all = await call('GET', `/projects/${project.id}/deploy_tokens`, 'maint');
      const active = await call('GET', `/projects/${project.id}/deploy_tokens?active=true`, 'maint');
      expect(all.body.map((t: any) => t.id)).toContain(past.body.id);
      expect(active.body.map((t: any) => t.id)).not.toContain(past.body.id);
      expect(active.body.length).toBeGreaterThan(0);
      expect(all.body.every((t: any) => !('token' in t))).toBe(true);
      // Oldest first, with GitLab's pagination headers.
      const ids = all.body.map((t: any) => t.id);
      expect(ids).toEqual([...ids].sort((a: number, b: number) => a - b));
      expect(all.headers['x-total']).toBe(String(ids.length));
    });

    it('2, 3: a Developer gets 403, an anonymous caller 404 on a private project, 403 on a public one; nothing written', async () => {
      const before = await h.rowCounts();
      const dev = await call('POST', `/projects/${project.id}/deploy_tokens`, 'dev', { name: 'x', scopes: ['read_repository'] });
      expect(dev.status).toBe(403);
      expect(dev.body).toEqual({ message: '403 Forbidden' });
      const anonymous = await call('POST', `/projects/${project.id}/deploy_tokens`, undefined, { name: 'x', scopes: ['read_repository'] });
      expect(anonymous.status).toBe(404);
      expect(anonymous.body).toEqual({ message: '404 Project Not Found' });
      const anonymousPublic = await call('POST', `/projects/${publicProject.id}/deploy_tokens`, undefined, { name: 'x', scopes: ['read_repository'] });
      expect(anonymousPublic.status).toBe(403);
      expect((await call('GET', `/projects/${project.id}/deploy_tokens`, 'dev')).status).toBe(403);
      expect((await call('GET', `/projects/${project.id}/deploy_tokens`, 'outsider')).status).toBe(404);
      // A read_api token may list, not create (GitLab's default scopes for REST routes).
      expect((await call('GET', `/projects/${project.id}/deploy_tokens`, 'readApi')).status).toBe(200);
      expect((await call('POST', `/projects/${project.id}/deploy_tokens`, 'readApi', { name: 'x', scopes: ['read_repository'] })).status).toBe(403);
      expect(await h.rowCounts()).toEqual(before);
    });

    it.each([
      ['6: an unknown scope', { name: 'x', scopes: ['read_repository', 'all_access'] }, { error: 'scopes does not have a valid value' }],
      ['7: write_repository, which deploy tokens do not have', { name: 'x', scopes: ['write_repository'] }, { error: 'scopes does not have a valid value' }],
      ['a virtual-registry scope (no dependency proxy here)', { name: 'x', scopes: ['read_virtual_registry'] }, { error: 'scopes does not have a valid value' }],
      ['8: an expiry that is no date', { name: 'x', scopes: ['read_repository'], expires_at: 'foo' }, { error: 'expires_at is invalid' }],
      ['a day that does not exist', { name: 'x', scopes: ['read_repository'], expires_at: '2027-02-30' }, { error: 'expires_at is invalid' }],
      ['no name', { scopes: ['read_repository'] }, { error: 'name is missing' }],
      ['no scopes', { name: 'x' }, { error: 'scopes is missing' }],
      ['empty scopes', { name: 'x', scopes: [] }, { message: "Scopes can't be blank" }],
      ['9: a user name with a space and a bang', { name: 'x', scopes: ['read_repository'], username: 'bad name!' }, { message: "Username can contain only letters, digits, '_', '-', '+', and '.'" }],
      ['a name that is too long', { name: 'n'.repeat(256), scopes: ['read_repository'] }, { message: 'Name is too long (maximum is 255 characters)' }],
      [
        'two model errors at once',
        { name: 'n'.repeat(256), scopes: [], username: 'a b' },
        { message: "Scopes can't be blank, Username can contain only letters, digits, '_', '-', '+', and '.', and Name is too long (maximum is 255 characters)" },
      ],
    ])('refuses %s with 400 and writes nothing', async (_, body, answer) => {
      const before = await h.rowCounts();
      const res = await call('POST', `/projects/${project.id}/deploy_tokens`, 'maint', body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual(answer);
      expect(await h.rowCounts()).toEqual(before);
    });

    it('18, 19: DELETE answers 204 and the token stops working; another holder\'s id is 404', async () => {
      const created = await call('POST', `/projects/${project.id}/deploy_tokens`, 'maint', { name: 'gone', scopes: ['read_repository'], username: 'gone' });
      const elsewhere = await call('POST', `/projects/${publicProject.id}/deploy_tokens`, 'maint', { name: 'kept', scopes: ['read_repository'] });
      expect(await authenticateClient(h.app, { login: 'gone', password: created.body.token }, '192.0.2.2')).toMatchObject({ status: 'authenticated' });

      const before = await h.rowCounts();
      const wrongHolder = await call('DELETE', `/projects/${project.id}/deploy_tokens/${elsewhere.body.id}`, 'maint');
      expect(wrongHolder.status).toBe(404);
      expect(wrongHolder.body).toEqual({ message: '404 Not found' });
      expect((await call('DELETE', `/projects/${project.id}/deploy_tokens/${created.body.id}`, 'dev')).status).toBe(403);
      expect(await h.rowCounts()).toEqual(before);

      const deleted = await call('DELETE', `/projects/${project.id}/deploy_tokens/${created.body.id}`, 'maint');
      expect(deleted.status).toBe(204);
      expect(deleted.text).toBe('');
      expect((await h.rowCounts()).deployTokens).toBe(before.deployTokens - 1);
      expect(await authenticateClient(h.app, { login: 'gone', password: created.body.token }, '192.0.2.3')).toEqual({ status: 'invalid' });
      const shown = await call('GET', `/projects/${project.id}/deploy_tokens/${created.body.id}`, 'maint');
      expect(shown.status).toBe(404);
      expect(shown.body).toEqual({ message: '404 Not found' });
      expect((await call('GET', `/projects/${project.id}/deploy_tokens/${elsewhere.body.id}`, 'maint')).status).toBe(404);
      expect((await call('GET', `/projects/${project.id}/deploy_tokens/99999999999`, 'maint')).status).toBe(400);
    });
  });

  describe('groups', () => {
    it('4: a group Maintainer may not create (403); the Owner may (201); nothing written by the refusal', async () => {
      const before = await h.rowCounts();
      const maint = await call('POST', `/groups/${group.id}/deploy_tokens`, 'gmaint', { name: 'g', scopes: ['read_repository'] });
      expect(maint.status).toBe(403);
      expect(maint.body).toEqual({ message: '403 Forbidden' });
      expect(await h.rowCounts()).toEqual(before);
      const owner = await call('POST', `/groups/${group.id}/deploy_tokens`, 'owner', { name: 'g', scopes: ['read_repository', 'read_registry'] });
      expect(owner.status).toBe(201);
      expect(owner.body.username).toBe(`gitlab+deploy-token-${owner.body.id}`);
    });

    it('5: a group Maintainer lists (200), a Developer is refused (403), a stranger does not see the group (404)', async () => {
      const listed = await call('GET', `/groups/${group.id}/deploy_tokens`, 'gmaint');
      expect(listed.status).toBe(200);
      expect(listed.body.length).toBeGreaterThan(0);
      expect((await call('GET', `/groups/corp/deploy_tokens`, 'gdev')).status).toBe(403);
      const stranger = await call('GET', `/groups/${group.id}/deploy_tokens`, 'outsider');
      expect(stranger.status).toBe(404);
      expect(stranger.body).toEqual({ message: '404 Group Not Found' });
      expect((await call('GET', `/groups/${group.id}/deploy_tokens`, undefined)).status).toBe(404);
    });

    it('a subgroup has its own tokens; its parent\'s Owner manages them, its parent\'s tokens are not its own', async () => {
      const created = await call('POST', `/groups/corp%2Fteam/deploy_tokens`, 'owner', { name: 's', scopes: ['read_repository'] });
      expect(created.status).toBe(201);
      const subList = await call('GET', `/groups/${sub.id}/deploy_tokens`, 'owner');
      expect(subList.body.map((t: any) => t.id)).toEqual([created.body.id]);
      const parentList = await call('GET', `/groups/${group.id}/deploy_tokens`, 'owner');
      expect(parentList.body.map((t: any) => t.id)).not.toContain(created.body.id);
      expect((await call('GET', `/groups/${group.id}/deploy_tokens/${created.body.id}`, 'owner')).status).toBe(404);
      expect((await call('DELETE', `/groups/${sub.id}/deploy_tokens/${created.body.id}`, 'gmaint')).status).toBe(403);
      expect((await call('DELETE', `/groups/${sub.id}/deploy_tokens/${created.body.id}`, 'owner')).status).toBe(204);
    });

    it('25: in an archived group (or below one) the Owner may neither create nor delete, but still lists', async () => {
      const kept = await call('POST', `/groups/${sub.id}/deploy_tokens`, 'owner', { name: 'k', scopes: ['read_repository'] });
      await h.app.services.groups.setArchived(h.system(), 'corp', true);
      try {
        const before = await h.rowCounts();
        for (const id of [group.id, sub.id]) {
          const res = await call('POST', `/groups/${id}/deploy_tokens`, 'owner', { name: 'a', scopes: ['read_repository'] });
          expect(res.status).toBe(403);
        }
        expect((await call('DELETE', `/groups/${sub.id}/deploy_tokens/${kept.body.id}`, 'owner')).status).toBe(403);
        expect((await call('GET', `/groups/${sub.id}/deploy_tokens`, 'owner')).status).toBe(200);
        // Archiving a project's group does not stop its project's Maintainers (GitLab: project archiving does not either).
        expect((await call('POST', `/projects/${project.id}/deploy_tokens`, 'maint', { name: 'p', scopes: ['read_repository'] })).status).toBe(201);
        expect((await h.rowCounts()).deployTokens).toBe(before.deployTokens + 1);
      } finally {
        await h.app.services.groups.setArchived(h.system(), 'corp', false);
      }
    });
  });

  describe('fine-grained tokens', () => {
    it('need read_deploy_token / create_deploy_token / delete_deploy_token on the project, and never more than their user', async () => {
      const fine = async (...permissions: string[]) =>
        (await h.app.services.tokens.createGranular(h.as(users.maint), users.maint, {
          name: 'fine',
          granularScopes: [{ access: 'selected_memberships', permissions, resources: [{ kind: 'project', project }] }],
        })).secret;
      const reader = await fine('read_deploy_token');
      const writer = await fine('read_deploy_token', 'create_deploy_token', 'delete_deploy_token');
      const other = await fine('read_project');
      tokens.reader = reader;
      tokens.writer = writer;
      tokens.other = other;
      expect((await call('GET', `/projects/${project.id}/deploy_tokens`, 'reader')).status).toBe(200);
      const before = await h.rowCounts();
      const refused = await call('POST', `/projects/${project.id}/deploy_tokens`, 'reader', { name: 'f', scopes: ['read_repository'] });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('insufficient_granular_scope');
      expect((await call('GET', `/projects/${project.id}/deploy_tokens`, 'other')).body.error).toBe('insufficient_granular_scope');
      expect(await h.rowCounts()).toEqual(before);
      const created = await call('POST', `/projects/${project.id}/deploy_tokens`, 'writer', { name: 'f', scopes: ['read_repository'] });
      expect(created.status).toBe(201);
      expect((await call('DELETE', `/projects/${project.id}/deploy_tokens/${created.body.id}`, 'writer')).status).toBe(204);
      // The project is the token's only boundary: not the other project its user maintains.
      expect((await call('GET', `/projects/${publicProject.id}/deploy_tokens`, 'writer')).status).toBe(403);
    });
  });

  describe('instance', () => {
    it('24: administrators list every token (200); others 403; anonymous 401', async () => {
      const all = await call('GET', '/deploy_tokens', 'root');
      expect(all.status).toBe(200);
      const holders = await Promise.all([
        call('GET', `/projects/${project.id}/deploy_tokens`, 'root'),
        call('GET', `/projects/${publicProject.id}/deploy_tokens`, 'root'),
        call('GET', `/groups/${group.id}/deploy_tokens`, 'root'),
        call('GET', `/groups/${sub.id}/deploy_tokens`, 'root'),
        call('GET', `/projects/${otherProject.id}/deploy_tokens`, 'root'),
      ]);
      expect(all.body.length).toBe(holders.reduce((n, r) => n + r.body.length, 0));
      const active = await call('GET', '/deploy_tokens?active=true', 'root');
      expect(active.body.length).toBeLessThan(all.body.length);
      const other = await call('GET', '/deploy_tokens', 'owner');
      expect(other.status).toBe(403);
      expect(other.body).toEqual({ message: '403 Forbidden' });
      const anonymous = await call('GET', '/deploy_tokens', undefined);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ message: '401 Unauthorized' });
    });
  });
});
