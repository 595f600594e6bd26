import { createPublicKey, verify } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import { ContainerRepository } from '../../src/modules/registry/container-repository.entity';
import { decodeJwt, libtrustKeyId } from '../../src/modules/registry/registry-jwt';
import type { User } from '../../src/modules/user/user.entity';
import { startHarness, type Harness } from '../helpers/harness';
import { registryWorkDir } from '../helpers/registry';

/*
 * GitLab's registry token service (`/jwt/auth`) over HTTP, without a registry: statuses, bodies and the
 * issued token's claims, and a matrix of role × visibility × token scope checking that `access` holds
 * exactly the actions the caller may take (never one more).
 */

function basic(login: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}` };
}

const ACCESS_DENIED_START = 'HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect';

describe('the registry token service /jwt/auth', () => {
  let h: Harness;
  let workDir: string;
  let keyPath: string;
  const users: Record<string, User> = {};
  let acme: Namespace;
  /** SQL statements run so far. */
  let statements = 0;

  const auth = (query: string, headers: Record<string, string> = {}, remoteAddress?: string) =>
    h.request({ url: `/jwt/auth?${query}`, headers, remoteAddress });
  /** The actions granted per repository, from the token's `access` claim. */
  const granted = (body: { token: string }) =>
    Object.fromEntries((decodeJwt(body.token).payload.access as Array<{ name: string; actions: string[] }>).map((a) => [a.name, a.actions]));

  beforeAll(async () => {
    ({ dir: workDir, keyPath } = registryWorkDir());
    h = await startHarness({
      config: { registryUrl: 'http://registry.example.com:5000', registryKeyPath: keyPath, authFailuresMax: 3 },
      onQuery: () => statements++,
    });
    for (const name of ['owner', 'guest', 'reporter', 'developer', 'maintainer', 'stranger']) users[name] = await h.createUser(name);
    users.external = await h.createUser('external', { external: true });
    users.admin = await h.createUser('root', { admin: true });
    acme = await h.createGroup('acme', { visibility: 'public', owner: users.owner });
    await h.createProject('pub', 'acme', { visibility: 'public' });
    await h.createProject('int', 'acme', { visibility: 'internal' });
    await h.createProject('priv', 'acme', { visibility: 'private' });
    for (const role of ['guest', 'reporter', 'developer', 'maintainer']) await h.addMember({ group: acme }, users[role], role);
  });

  afterAll(async () => {
    await h?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const token = async (user: string, scopes: string[]) => basic(users[user].username, (await h.createPat(users[user], scopes)).secret);

  it('answers an unknown service 404 with an empty body', async () => {
    const response = await auth('service=foo&scope=repository:acme/pub:pull');
    expect([response.status, response.text]).toEqual([404, '']);
  });

  it('refuses wrong credentials with 401 in the registry error shape, without a challenge', async () => {
    const response = await auth('service=container_registry&scope=repository:acme/pub:pull', basic('oauth2', 'glpat-00000000000000000000'));
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBeUndefined();
    expect(response.body.errors).toHaveLength(1);
    expect(response.body.errors[0].code).toBe('UNAUTHORIZED');
    expect(response.body.errors[0].message).toContain(ACCESS_DENIED_START);
    expect(response.body.errors[0].message).toContain('http://example.com/help/user/profile/account/two_factor_authentication_troubleshooting.md');
  });

  it('refuses an anonymous caller asking nothing, or only what it may not have, with 403 access forbidden', async () => {
    for (const query of ['service=container_registry', 'service=container_registry&scope=repository:acme/priv:pull']) {
      const response = await auth(query);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ errors: [{ code: 'DENIED', message: 'access forbidden' }], http_status: 403 });
    }
  });

  it('gives an anonymous caller pull on a public project, with the fields Distribution reads', async () => {
    const response = await auth('service=container_registry&scope=repository:acme/pub:pull,push');
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['access_token', 'expires_in', 'issued_at', 'token']);
    expect(response.body.access_token).toBe(response.body.token);
    expect(response.body.expires_in).toBe(300);
    expect(granted(response.body)).toEqual({ 'acme/pub': ['pull'] });
    const { payload } = decodeJwt(response.body.token);
    expect(payload.sub).toBeUndefined();
    expect(payload.auth_type).toBe('none');
  });

  it('answers docker login (no scope) with a valid token: 200 and empty access', async () => {
    const response = await auth('service=container_registry', await token('stranger', ['read_registry']));
    expect(response.status).toBe(200);
    expect(decodeJwt(response.body.token).payload.access).toEqual([]);
  });

  it('refuses a token without any registry scope with 403 access forbidden (read_repository, read_user)', async () => {
    for (const scopes of [['read_repository'], ['read_user']]) {
      const response = await auth('service=container_registry&scope=repository:acme/pub:pull', await token('developer', scopes));
      expect([response.status, response.body?.errors?.[0]?.message]).toEqual([403, 'access forbidden']);
    }
  });

  it('signs an RS256 token with the claims Distribution checks, the key id of the configured key', async () => {
    const response = await auth('service=container_registry&scope=repository:acme/priv/app:pull', await token('reporter', ['read_registry']));
    const [headerPart, payloadPart, signature] = response.body.token.split('.');
    const { header, payload } = decodeJwt(response.body.token);
    const publicKey = createPublicKey(readFileSync(keyPath));
    expect(header).toEqual({ kid: libtrustKeyId(publicKey), typ: 'JWT', alg: 'RS256' });
    expect(verify('RSA-SHA256', Buffer.from(`${headerPart}.${payloadPart}`), publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
    const now = Math.floor(h.clock.now().getTime() / 1000);
    expect(payload).toMatchObject({ iss: 'gitlab-issuer', aud: 'container_registry', sub: 'reporter', iat: now, nbf: now - 5, exp: now + 300, auth_type: 'personal_access_token' });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    const project = await h.app.services.projects.findByFullPath(h.system(), 'acme/priv');
    expect(payload.access).toEqual([
      { type: 'repository', name: 'acme/priv/app', actions: ['pull'], meta: { project_path: 'acme/priv', project_id: project!.id, root_namespace_id: acme.id } },
    ]);
    const user = decodeJwt(payload.user as string).payload;
    expect(user).toMatchObject({ user_info: { token_type: 'personal_access_token', username: 'reporter', user_id: users.reporter.id }, iat: now, exp: now + 60 });
    // A second token has a jti of its own.
    const again = await auth('service=container_registry&scope=repository:acme/priv/app:pull', await token('reporter', ['read_registry']));
    expect(decodeJwt(again.body.token).payload.jti).not.toBe(payload.jti);
  });

  it('lower-cases paths, reads scopes given twice or separated by a space, and drops paths that name no project', async () => {
    const dev = await token('developer', ['api']);
    const twice = await auth('service=container_registry&scope=repository:ACME/Priv:pull&scope=repository:acme/pub/a/b:push', dev);
    expect(granted(twice.body)).toEqual({ 'acme/priv': ['pull'], 'acme/pub/a/b': ['push'] });
    const spaced = await auth('service=container_registry&scope=repository:acme/priv:pull%20repository:acme/int:push', dev);
    expect(granted(spaced.body)).toEqual({ 'acme/priv': ['pull'], 'acme/int': ['push'] });
    // Three levels below the project, an invalid name, a single component, an unknown type, no actions.
    const dropped = await auth(
      'service=container_registry&scope=repository:acme/priv/a/b/c:pull&scope=repository:acme/pr%21v:pull&scope=repository:acme:pull&scope=blob:acme/priv:pull&scope=repository:acme/priv',
      dev,
    );
    expect([dropped.status, granted(dropped.body)]).toEqual([200, {}]);
  });

  it('records an image repository when a push to it is first granted, once, and never for a pull or a refused push', async () => {
    const repositories = () =>
      h.app.dataSource
        .getRepository(ContainerRepository)
        .find({ order: { id: 'ASC' } })
        .then((rows) => rows.map((r) => [r.projectId, r.name]));
    const before = await repositories();
    const priv = (await h.app.services.projects.findByFullPath(h.system(), 'acme/priv'))!;
    const developer = await token('developer', ['api']);
    await auth('service=container_registry&scope=repository:acme/priv/recorded/worker:push', developer);
    await auth('service=container_registry&scope=repository:acme/priv/recorded/worker:pull,push', developer);
    await auth('service=container_registry&scope=repository:acme/priv/pulled:pull', developer);
    await auth('service=container_registry&scope=repository:acme/priv/refused:push', await token('reporter', ['api']));
    expect(await repositories()).toEqual([...before, [priv.id, 'recorded/worker']]);
  });

  it('answers many repositories of many projects in as many statements as one', async () => {
    // Each project in a group of its own, so that each has its own namespace and root to load.
    for (let i = 1; i <= 6; i++) {
      const group = await h.createGroup(`many${i}`, { visibility: 'private', owner: users.owner });
      await h.createProject('p', `many${i}`, { visibility: 'private' });
      await h.addMember({ group }, users.reporter, 'reporter');
    }
    const headers = await token('reporter', ['read_registry']);
    const count = async (paths: string[]) => {
      const start = statements;
      const response = await auth(`service=container_registry&${paths.map((p) => `scope=repository:${p}:pull`).join('&')}`, headers);
      expect(Object.keys(granted(response.body))).toEqual(paths);
      return statements - start;
    };
    await count(['many1/p']); // the token's last use is written on its first use only
    const one = await count(['many1/p']);
    const six = await count(['many1/p', 'many2/p/a', 'many3/p/a/b', 'many4/p', 'many5/p', 'many6/p']);
    expect(six).toBe(one);
  });

  it('grants registry:catalog:* to administrators only', async () => {
    const admin = await auth('service=container_registry&scope=registry:catalog:*', await token('admin', ['api']));
    expect(decodeJwt(admin.body.token).payload.access).toEqual([{ type: 'registry', name: 'catalog', actions: ['*'] }]);
    const owner = await auth('service=container_registry&scope=registry:catalog:*', await token('owner', ['api']));
    expect(decodeJwt(owner.body.token).payload.access).toEqual([]);
  });

  it('refuses expired tokens and tokens of blocked users with 401', async () => {
    const expiring = await h.createPat(users.stranger, ['read_registry'], { expiresAt: '2026-01-16' });
    const blockedUser = await h.createUser('blocked');
    const blocked = await h.createPat(blockedUser, ['read_registry']);
    expect((await h.cli(['users', 'update', '--username', 'blocked', '--state', 'blocked'])).code).toBe(0);
    expect((await auth('service=container_registry&scope=repository:acme/pub:pull', basic('blocked', blocked.secret))).status).toBe(401);
    expect((await auth('service=container_registry&scope=repository:acme/pub:pull', basic('x', expiring.secret))).status).toBe(200);
    h.clock.advanceDays(1);
    try {
      expect((await auth('service=container_registry&scope=repository:acme/pub:pull', basic('x', expiring.secret))).status).toBe(401);
    } finally {
      h.clock.advanceDays(-1);
    }
  });

  it("records the token's last use, and counts wrong tokens towards the failed-authentication ban", async () => {
    const { token: stored, secret } = await h.createPat(users.stranger, ['read_registry']);
    expect((await auth('service=container_registry', basic('x', secret), '198.51.100.7')).status).toBe(200);
    expect((await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ id: stored.id })).lastUsedAt).not.toBeNull();
    for (let i = 0; i < 3; i++) expect((await auth('service=container_registry', basic('x', 'glpat-11111111111111111111'), '198.51.100.7')).status).toBe(401);
    const banned = await auth('service=container_registry', basic('x', secret), '198.51.100.7');
    expect([banned.status, banned.text]).toEqual([403, 'Too many failed authentication attempts from this IP']);
  });

  it('gives a fine-grained token nothing at the registry: 403 (inferred: GitLab reads only classic scopes there)', async () => {
    const created = await h.cli(['tokens', 'create', '--user', 'developer', '--name', 'fg', '--granular', 'project:acme/priv=read_project', '--token-only']);
    expect(created.code).toBe(0);
    const response = await auth('service=container_registry&scope=repository:acme/priv:pull', basic('developer', created.out.trim()));
    expect(response.status).toBe(403);
  });

  it('shows where each project pushes its images in REST project bodies, and its registry access level', async () => {
    const pat = await h.createPat(users.reporter, ['read_api']);
    const project = await h.rest('GET', '/projects/acme%2Fpriv', pat.secret);
    expect(project.body).toMatchObject({
      container_registry_image_prefix: 'registry.example.com:5000/acme/priv',
      container_registry_access_level: 'enabled',
      container_registry_enabled: true,
    });
  });

  describe('deploy tokens', () => {
    let sub: Namespace;
    const deployToken = async (holder: { project?: string; group?: Namespace }, scopes: string[], options: { username?: string; expiresAt?: Date } = {}) => {
      const ctx = h.system();
      const target = holder.project
        ? { kind: 'project' as const, project: (await h.app.services.projects.findByFullPath(ctx, holder.project))! }
        : { kind: 'group' as const, group: holder.group! };
      const issued = await h.app.services.deployTokens.create(ctx, target, { name: 'deploy', scopes, ...options });
      return { ...issued, target, headers: basic(issued.token.username ?? `gitlab+deploy-token-${issued.token.id}`, issued.secret) };
    };
    beforeAll(async () => {
      sub = await h.createGroup('sub', { parent: 'acme', visibility: 'private' });
      await h.createProject('deep', 'acme/sub', { visibility: 'private' });
      await h.createGroup('elsewhere', { visibility: 'private' });
      await h.createProject('hidden', 'elsewhere', { visibility: 'private' });
    });

    it('a read_registry project token pulls its own private project, not another private one; public images stay open to it (inferred)', async () => {
      const { headers, token } = await deployToken({ project: 'acme/priv' }, ['read_registry']);
      const response = await auth('service=container_registry&scope=repository:acme/priv:pull,push&scope=repository:elsewhere/hidden:pull&scope=repository:acme/pub:pull', headers);
      expect(response.status).toBe(200);
      expect(granted(response.body)).toEqual({ 'acme/priv': ['pull'], 'acme/pub': ['pull'] });
      const { payload } = decodeJwt(response.body.token);
      expect(payload.sub).toBeUndefined();
      expect(payload.auth_type).toBe('deploy_token');
      expect(decodeJwt(payload.user as string).payload.user_info).toEqual({ token_type: 'deploy_token', username: `gitlab+deploy-token-${token.id}`, deploy_token_id: token.id });
    });

    it('a write_registry group token pushes to a project of a subgroup, without pull; never outside its group; never delete', async () => {
      const { headers } = await deployToken({ group: acme }, ['write_registry']);
      const response = await auth('service=container_registry&scope=repository:acme/sub/deep:pull,push,delete,*&scope=repository:elsewhere/hidden:push', headers);
      expect(granted(response.body)).toEqual({ 'acme/sub/deep': ['push'] });
      void sub;
    });

    it('needs its own user name as login; refuses revoked, expired and package-only tokens with 401; read_repository alone gets 403', async () => {
      const named = await deployToken({ project: 'acme/priv' }, ['read_registry'], { username: 'deployer' });
      const scope = 'service=container_registry&scope=repository:acme/priv:pull';
      expect((await auth(scope, basic('deployer', named.secret))).status).toBe(200);
      expect((await auth(scope, basic('someone', named.secret))).status).toBe(401);

      const revoked = await deployToken({ project: 'acme/priv' }, ['read_registry']);
      await h.app.services.deployTokens.revoke(h.system(), revoked.target, revoked.token.id);
      const expired = await deployToken({ project: 'acme/priv' }, ['read_registry'], { expiresAt: new Date('2026-01-01T00:00:00Z') });
      const packages = await deployToken({ project: 'acme/priv' }, ['read_package_registry']);
      for (const refused of [revoked, expired, packages]) expect((await auth(scope, refused.headers)).status).toBe(401);

      const repositoryOnly = await deployToken({ project: 'acme/priv' }, ['read_repository']);
      const response = await auth(scope, repositoryOnly.headers);
      expect([response.status, response.body?.errors?.[0]?.message]).toEqual([403, 'access forbidden']);
    });

    it("follows the project's registry setting: private or disabled shuts deploy tokens out (inferred), archived keeps pull only", async () => {
      const { headers } = await deployToken({ project: 'acme/int' }, ['read_registry', 'write_registry']);
      const scope = 'service=container_registry&scope=repository:acme/int:pull,push';
      expect(granted((await auth(scope, headers)).body)).toEqual({ 'acme/int': ['pull', 'push'] });
      const set = (level: string) => h.cli(['projects', 'update', '--project', 'acme/int', '--container-registry-access-level', level]);
      for (const level of ['private', 'disabled']) {
        expect((await set(level)).code).toBe(0);
        expect(granted((await auth(scope, headers)).body)).toEqual({});
      }
      expect((await set('enabled')).code).toBe(0);
      expect((await h.cli(['projects', 'update', '--project', 'acme/int', '--archived', 'true'])).code).toBe(0);
      try {
        expect(granted((await auth(scope, headers)).body)).toEqual({ 'acme/int': ['pull'] });
      } finally {
        expect((await h.cli(['projects', 'update', '--project', 'acme/int', '--archived', 'false'])).code).toBe(0);
      }
    });
  });

  describe('role × visibility × scope: access holds exactly the actions allowed', () => {
    // What each role may do per visibility (GitLab's table, registry open to everyone with access).
    const ROLE: Record<string, (visibility: string) => string[]> = {
      anonymous: (v) => (v === 'pub' ? ['pull'] : []),
      stranger: (v) => (v === 'priv' ? [] : ['pull']),
      external: (v) => (v === 'pub' ? ['pull'] : []),
      guest: (v) => (v === 'priv' ? [] : ['pull']),
      reporter: () => ['pull'],
      developer: () => ['pull', 'push'],
      maintainer: () => ['pull', 'push', 'delete', '*'],
      owner: () => ['pull', 'push', 'delete', '*'],
      admin: () => ['pull', 'push', 'delete', '*'],
    };
    // What each token scope lets through (lib/gitlab/auth.rb); null: refused outright (403).
    const SCOPE: Record<string, string[] | null> = {
      api: ['pull', 'push', 'delete', '*'],
      read_api: ['pull'],
      read_registry: ['pull'],
      write_registry: ['push'],
      'read_registry,write_registry': ['pull', 'push'],
      read_repository: null,
    };
    const rows: Array<[string, string, string]> = [];
    for (const role of Object.keys(ROLE)) {
      for (const scope of role === 'anonymous' ? ['(none)'] : Object.keys(SCOPE)) for (const visibility of ['pub', 'int', 'priv']) rows.push([role, scope, visibility]);
    }

    it.each(rows)('%s with %s on %s', async (role, scope, visibility) => {
      const headers = role === 'anonymous' ? {} : await token(role, scope.split(','));
      const response = await auth(`service=container_registry&scope=repository:acme/${visibility}/img:pull,push,delete,*`, headers);
      const allowedByScope = role === 'anonymous' ? ['pull'] : SCOPE[scope];
      const expected = allowedByScope === null ? null : ROLE[role](visibility).filter((a) => allowedByScope.includes(a));
      if (expected === null) {
        expect(response.status).toBe(403);
        return;
      }
      if (role === 'anonymous' && expected.length === 0) {
        expect(response.status).toBe(403);
        return;
      }
      expect(response.status).toBe(200);
      expect(granted(response.body)).toEqual(expected.length ? { [`acme/${visibility}/img`]: expected } : {});
    });
  });
});

describe('the registry token service when no registry is configured', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('answers 404 registry not enabled, and REST project bodies carry no image prefix', async () => {
    await h.createProject('pub', (await h.createUser('someone')).username, { visibility: 'public' });
    const project = await h.request({ url: '/api/v4/projects/someone%2Fpub' });
    expect(project.status).toBe(200);
    expect(project.body.container_registry_image_prefix).toBeUndefined();
    const response = await h.request({ url: '/jwt/auth?service=container_registry&scope=repository:acme/pub:pull' });
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ errors: [{ code: 'UNAVAILABLE', message: 'registry not enabled' }], http_status: 404 });
  });
});
