import type { User } from '../../src/modules/user/user.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import { useHarness, TODAY } from '../helpers/harness';

/**
 * GitLab's REST conventions as Labgate answers them: the three ways to send a token, the error
 * bodies, parameter validation, offset pagination and its headers.
 */
describe('REST API v4 conventions', () => {
  const h = useHarness();
  let alice: User;
  let bob: User;
  let group: Namespace;
  let project: Project;
  let aliceToken: string;
  let readApiToken: string;

  const get = (url: string, token?: string, headers: Record<string, string> = {}) =>
    h.request({ url, headers: { ...(token ? { 'private-token': token } : {}), ...headers } });
  const send = (method: string, url: string, token: string | undefined, body?: unknown, contentType = 'application/json') =>
    h.request({
      method,
      url,
      headers: { ...(token ? { 'private-token': token } : {}), 'content-type': contentType },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    alice = await h.createUser('alice', { name: 'Alice' });
    bob = await h.createUser('bob');
    group = await h.createGroup('acme', { owner: alice });
    project = await h.createProject('widget', 'acme');
    aliceToken = (await h.createPat(alice, ['api'])).secret;
    readApiToken = (await h.createPat(alice, ['read_api'], { name: 'reader' })).secret;
  });

  describe('authentication', () => {
    it('accepts PRIVATE-TOKEN, Authorization: Bearer and ?private_token=', async () => {
      for (const response of [
        await get('/api/v4/user', aliceToken),
        await get('/api/v4/user', undefined, { authorization: `Bearer ${aliceToken}` }),
        await get(`/api/v4/user?private_token=${aliceToken}`),
      ]) {
        expect(response.status).toBe(200);
        expect(response.body).toMatchObject({ id: alice.id, username: 'alice', name: 'Alice', email: 'alice@example.com' });
      }
    });

    it('answers 401 {"message":"401 Unauthorized"} without credentials or with an unknown token', async () => {
      for (const response of [await get('/api/v4/user'), await get('/api/v4/user', 'glpat-notarealtokenatall1')]) {
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ message: '401 Unauthorized' });
      }
    });

    it('answers a revoked token with the OAuth invalid_token error', async () => {
      const issued = await h.createPat(bob, ['api'], { name: 'to revoke' });
      await h.app.services.tokens.revokePersonal(h.system(), issued.token.id);
      const response = await get('/api/v4/user', issued.secret);
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: 'invalid_token', error_description: 'Token was revoked. You have to re-authorize from the user.' });
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('answers an expired token with the OAuth invalid_token error (reference case 71)', async () => {
      const issued = await h.createPat(bob, ['api'], { name: 'short', expiresAt: '2026-01-16' });
      expect((await get('/api/v4/user', issued.secret)).status).toBe(200);
      h.clock.advanceDays(1);
      try {
        const response = await get('/api/v4/user', issued.secret);
        expect(response.status).toBe(401);
        expect(response.body).toEqual({ error: 'invalid_token', error_description: 'Token is expired. You can either do re-authorization or token refresh.' });
      } finally {
        h.clock.advanceDays(-1);
      }
    });

    it('lets an administrator act as another user with sudo, and refuses anyone else', async () => {
      const root = await h.createUser('sudoer', { admin: true });
      const sudoToken = (await h.createPat(root, ['api', 'sudo'], { name: 'sudo' })).secret;
      const plainAdmin = (await h.createPat(root, ['api'], { name: 'no sudo' })).secret;
      const asBob = await get('/api/v4/user', sudoToken, { sudo: 'bob' });
      expect(asBob.body).toMatchObject({ id: bob.id, username: 'bob' });
      expect(asBob.body).not.toHaveProperty('is_admin');
      expect((await get(`/api/v4/user?sudo=${alice.id}`, sudoToken)).body.id).toBe(alice.id);
      // Bob may not see alice's private project, so neither may root acting as bob.
      expect((await get(`/api/v4/projects/${project.id}`, sudoToken, { sudo: 'bob' })).status).toBe(404);
      expect((await get('/api/v4/user', aliceToken, { sudo: 'bob' })).body).toEqual({ message: '403 Forbidden - Must be admin to use sudo' });
      expect((await get('/api/v4/user', plainAdmin, { sudo: 'bob' })).body).toMatchObject({ error: 'insufficient_scope', scope: 'sudo' });
      expect((await get('/api/v4/user', sudoToken, { sudo: 'nobody' })).body).toEqual({ message: "404 User with ID or username 'nobody' Not Found" });
    });

    it('refuses a blocked account with 403 and GitLab\'s reason, without revoking its token', async () => {
      const carol = await h.createUser('carol');
      const token = await h.createPat(carol, ['api']);
      await h.cli(['users', 'update', '--username', 'carol', '--state', 'blocked']);
      const response = await get('/api/v4/user', token.secret);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: '403 Forbidden - Your account has been blocked.' });
      const stored = await h.app.services.tokens.findOwnToken(h.system(), token.token.id);
      expect(stored.revoked).toBe(false);
    });

    it('lets read_api read but not write, with the insufficient_scope body', async () => {
      expect((await get(`/api/v4/projects/${project.id}`, readApiToken)).status).toBe(200);
      const before = await h.rowCounts();
      const response = await send('POST', `/api/v4/projects/${project.id}/access_tokens`, readApiToken, { name: 'x', scopes: ['api'] });
      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: 'api',
      });
      expect(await h.rowCounts()).toEqual(before);
    });

    it('opens the users API to read_user, and nothing else', async () => {
      const token = (await h.createPat(alice, ['read_user'], { name: 'profile' })).secret;
      expect((await get('/api/v4/user', token)).status).toBe(200);
      expect((await get(`/api/v4/users/${bob.id}`, token)).status).toBe(200);
      const refused = await get(`/api/v4/projects/${project.id}`, token);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('insufficient_scope');
    });

    it('counts the request as a use of the token', async () => {
      const issued = await h.createPat(alice, ['api'], { name: 'fresh' });
      await get('/api/v4/user', issued.secret);
      const stored = await h.app.services.tokens.findOwnToken(h.system(), issued.token.id);
      expect(stored.lastUsedAt?.toISOString()).toBe(`${TODAY}T12:00:00.000Z`);
    });
  });

  it('tells signed-in clients which GitLab API it serves (GET /version, GET /metadata)', async () => {
    const version = await get('/api/v4/version', readApiToken);
    expect(version.status).toBe(200);
    expect(version.body.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await get('/api/v4/metadata', aliceToken)).body).toMatchObject({ version: version.body.version, enterprise: false, kas: { enabled: false } });
    expect((await get('/api/v4/version')).status).toBe(401);
  });

  it('authenticates before it validates: an anonymous caller learns nothing about parameters', async () => {
    const response = await send('POST', `/api/v4/projects/${project.id}/access_tokens`, undefined, { bogus: true });
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: '401 Unauthorized' });
  });

  it('answers CORS preflights for every method it serves, exposes the pagination headers, and answers HEAD', async () => {
    const preflight = await h.request({
      method: 'OPTIONS',
      url: `/api/v4/projects/${project.id}/access_tokens/1`,
      headers: { origin: 'https://tool.example', 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'private-token' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-methods']).toContain('DELETE');
    expect(preflight.headers['access-control-allow-methods']).toContain('PUT');
    const list = await get(`/api/v4/projects/${project.id}/access_tokens`, aliceToken, { origin: 'https://tool.example' });
    expect(list.headers['access-control-expose-headers']).toMatch(/X-Total/);
    expect(list.headers['cache-control']).toBe('no-store');
    expect(list.headers['content-type']).toBe('application/json');
    const head = await h.request({ method: 'HEAD', url: '/api/v4/user', headers: { 'private-token': aliceToken } });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
  });

  describe('errors', () => {
    it('answers an unknown route with {"error":"404 Not Found"}', async () => {
      const response = await get('/api/v4/no/such/route', aliceToken);
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ error: '404 Not Found' });
    });

    it('finds a project by id or URL-encoded path, and hides what the caller may not read', async () => {
      expect((await get('/api/v4/projects/acme%2Fwidget', aliceToken)).body.id).toBe(project.id);
      expect((await get('/api/v4/groups/acme', aliceToken)).body.id).toBe(group.id);
      const bobToken = (await h.createPat(bob, ['api'], { name: 'bob' })).secret;
      for (const url of [`/api/v4/projects/${project.id}`, '/api/v4/projects/acme%2Fwidget', '/api/v4/projects/99999', '/api/v4/projects/widget']) {
        const response = await get(url, bobToken);
        expect(response.status).toBe(404);
        expect(response.body).toEqual({ message: '404 Project Not Found' });
      }
      expect((await get('/api/v4/groups/acme', bobToken)).body).toEqual({ message: '404 Group Not Found' });
      expect((await get('/api/v4/groups/acme')).status).toBe(404);
    });

    it('answers an unknown user with 404 User Not Found, and anonymous callers with 403', async () => {
      expect((await get('/api/v4/users/99999', aliceToken)).body).toEqual({ message: '404 User Not Found' });
      const anonymous = await get(`/api/v4/users/${bob.id}`);
      expect(anonymous.status).toBe(403);
      expect(anonymous.body).toEqual({ message: '403 Forbidden - Not authorized!' });
    });
  });

  describe('validation', () => {
    it.each([
      [{ scopes: ['api'] }, 'name is missing'],
      [{ name: 'x' }, 'scopes is missing'],
      [{ name: 'x', scopes: ['sudo'] }, 'scopes does not have a valid value'],
      [{ name: 'x', scopes: ['read_user'] }, 'scopes does not have a valid value'],
      [{ name: 'x', scopes: ['api'], access_level: 0 }, 'access_level does not have a valid value'],
      [{ name: 'x', scopes: ['api'], access_level: 60 }, 'access_level does not have a valid value'],
      [{ name: 'x', scopes: ['api'], access_level: 'lots' }, 'access_level is invalid'],
      [{ name: 'x', scopes: ['api'], expires_at: 'tomorrow' }, 'expires_at is invalid'],
    ])('refuses %j with 400 {"error":"%s"} and changes nothing', async (body, message) => {
      const before = await h.rowCounts();
      const response = await send('POST', `/api/v4/projects/${project.id}/access_tokens`, aliceToken, body);
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ error: message });
      expect(await h.rowCounts()).toEqual(before);
    });

    it('refuses a body that is not JSON, and bad query values, with 400 (never 500)', async () => {
      const broken = await send('POST', `/api/v4/projects/${project.id}/access_tokens`, aliceToken, '{"name":');
      expect(broken.status).toBe(400);
      expect(broken.body.message).toMatch(/^400 Bad request/);
      const state = await get(`/api/v4/projects/${project.id}/access_tokens?state=sleeping`, aliceToken);
      expect(state.status).toBe(400);
      expect(state.body).toEqual({ error: 'state does not have a valid value' });
      expect((await get(`/api/v4/projects/${project.id}/access_tokens?page=abc`, aliceToken)).body).toEqual({ error: 'page is invalid' });
      expect((await get(`/api/v4/projects/${project.id}/access_tokens?created_after=yesterday`, aliceToken)).body).toEqual({
        error: 'created_after is invalid',
      });
      expect((await get('/api/v4/personal_access_tokens/abc', aliceToken)).body).toEqual({ error: 'id is invalid' });
    });

    it('takes form bodies, GitLab\'s array forms and comma-separated lists where GitLab coerces them', async () => {
      const form = await send('POST', `/api/v4/projects/${project.id}/access_tokens`, aliceToken, 'name=form&scopes[]=api&scopes[]=read_repository&access_level=30', 'application/x-www-form-urlencoded');
      expect(form.status).toBe(201);
      expect(form.body).toMatchObject({ name: 'form', scopes: ['api', 'read_repository'], access_level: 30 });
      // GitLab's personal token endpoints coerce "a,b" (`CommaSeparatedToArray`); its resource token
      // endpoint declares a plain `Array[String]`, which refuses a string (issue 18).
      const comma = await send('POST', `/api/v4/user/personal_access_tokens?name=comma&scopes=self_rotate,k8s_proxy`, aliceToken, {});
      expect(comma.status).toBe(201);
      expect(comma.body.scopes).toEqual(['self_rotate', 'k8s_proxy']);
      const resource = await send('POST', `/api/v4/projects/${project.id}/access_tokens?name=comma&scopes=api,read_api`, aliceToken, {});
      expect(resource.status).toBe(400);
      expect(resource.body).toEqual({ error: 'scopes is invalid' });
    });

    it('answers a broken service rule with 400 "400 Bad request - <message>"', async () => {
      const response = await send('POST', `/api/v4/projects/${project.id}/access_tokens`, aliceToken, { name: 'x', scopes: ['api'], expires_at: '2099-01-01' });
      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: '400 Bad request - Expires at must be before 2027-01-15' });
    });
  });

  describe('pagination', () => {
    let listed: Project;
    beforeAll(async () => {
      listed = await h.createProject('paged', 'acme');
      for (let i = 0; i < 5; i += 1) await h.createResourceToken({ project: listed }, { name: `token ${i}` });
    });

    it('pages with x-* headers and Link, following the links to the end', async () => {
      const names: string[] = [];
      let url: string | null = `/api/v4/projects/${listed.id}/access_tokens?per_page=2`;
      const pages: Array<Record<string, string>> = [];
      while (url) {
        const response = await get(url, aliceToken);
        expect(response.status).toBe(200);
        names.push(...response.body.map((t: { name: string }) => t.name));
        pages.push(response.headers);
        const next = /<([^>]+)>; rel="next"/.exec(response.headers.link ?? '')?.[1];
        url = next ? new URL(next).pathname + new URL(next).search : null;
      }
      expect(names).toEqual(['token 0', 'token 1', 'token 2', 'token 3', 'token 4']);
      expect(pages.map((p) => [p['x-page'], p['x-next-page'], p['x-prev-page']])).toEqual([
        ['1', '2', ''],
        ['2', '3', '1'],
        ['3', '', '2'],
      ]);
      for (const p of pages) {
        expect(p).toMatchObject({ 'x-per-page': '2', 'x-total': '5', 'x-total-pages': '3' });
        expect(p.link).toContain('rel="first"');
        expect(p.link).toContain('rel="last"');
      }
      expect(pages[1].link).toContain('rel="prev"');
    });

    it('caps per_page at 100 and answers a page past the end with an empty list', async () => {
      const capped = await get(`/api/v4/projects/${listed.id}/access_tokens?per_page=500`, aliceToken);
      expect(capped.headers['x-per-page']).toBe('100');
      expect(capped.body).toHaveLength(5);
      const past = await get(`/api/v4/projects/${listed.id}/access_tokens?page=9`, aliceToken);
      expect(past.status).toBe(200);
      expect(past.body).toEqual([]);
      expect(past.headers['x-total']).toBe('5');
    });

    it('never puts the caller\'s token in a link', async () => {
      const response = await get(`/api/v4/projects/${listed.id}/access_tokens?per_page=2&private_token=${aliceToken}`);
      expect(response.status).toBe(200);
      expect(response.headers.link).not.toContain(aliceToken);
    });

    it('filters token lists as GitLab does (state, revoked, search, sort)', async () => {
      const tokens = await get(`/api/v4/projects/${listed.id}/access_tokens?sort=name_desc`, aliceToken);
      expect(tokens.body.map((t: { name: string }) => t.name)).toEqual(['token 4', 'token 3', 'token 2', 'token 1', 'token 0']);
      const victim = tokens.body[0].id;
      expect((await send('DELETE', `/api/v4/projects/${listed.id}/access_tokens/${victim}`, aliceToken)).status).toBe(204);
      const inactive = await get(`/api/v4/projects/${listed.id}/access_tokens?state=inactive`, aliceToken);
      expect(inactive.body.map((t: { id: number }) => t.id)).toEqual([victim]);
      expect(inactive.body[0]).toMatchObject({ revoked: true, active: false });
      expect((await get(`/api/v4/projects/${listed.id}/access_tokens?state=active`, aliceToken)).body).toHaveLength(4);
      expect((await get(`/api/v4/projects/${listed.id}/access_tokens?revoked=true`, aliceToken)).body).toHaveLength(1);
      expect((await get(`/api/v4/projects/${listed.id}/access_tokens?search=KEN%203`, aliceToken)).body.map((t: { name: string }) => t.name)).toEqual(['token 3']);
    });

    it('pages GET /groups by keyset with an opaque cursor, and refuses a forged one', async () => {
      for (const path of ['kg-a', 'kg-b', 'kg-c']) await h.createGroup(path, { visibility: 'public' });
      const names: string[] = [];
      let url: string | null = '/api/v4/groups?pagination=keyset&order_by=name&sort=asc&per_page=2';
      while (url) {
        const response = await get(url);
        expect(response.status).toBe(200);
        expect(response.headers['x-total']).toBeUndefined();
        names.push(...response.body.map((g: { path: string }) => g.path));
        const next = /<([^>]+)>; rel="next"/.exec(response.headers.link ?? '')?.[1];
        url = next ? new URL(next).pathname + new URL(next).search : null;
      }
      expect(names).toEqual(['kg-a', 'kg-b', 'kg-c']);
      const forged = await get('/api/v4/groups?pagination=keyset&cursor=not-a-cursor');
      expect(forged.status).toBe(400);
      expect(forged.body).toEqual({ error: 'Please provide a valid cursor' });
    });

    it('pages GET /projects by keyset with pagination=keyset', async () => {
      const first = await get('/api/v4/projects?pagination=keyset&order_by=id&sort=asc&per_page=1', aliceToken);
      expect(first.status).toBe(200);
      expect(first.body).toHaveLength(1);
      expect(first.headers['x-total']).toBeUndefined();
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.link)![1];
      expect(next).toContain(`id_after=${first.body[0].id}`);
      const second = await get(new URL(next).pathname + new URL(next).search, aliceToken);
      expect(second.body[0].id).toBeGreaterThan(first.body[0].id);
    });
  });
});
