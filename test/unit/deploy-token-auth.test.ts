import { authenticateClient } from '../../src/auth/pipeline';
import { DeployToken } from '../../src/modules/deploy-token/deploy-token.entity';
import type { DeployTokenHolder } from '../../src/modules/deploy-token/deploy-token.service';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import {
  deployTokenAbilities,
  deployTokenAbilitiesOn,
  deployTokenReachesGroup,
  deployTokenReachesProject,
  deployTokenScopeAbilities,
} from '../../src/policy/deploy-token-policy';
import { startHarness, type Harness } from '../helpers/harness';

/*
 * Deploy tokens as stored and as Git and registry clients present them (issue 21 "Deploy tokens",
 * reference §3.1, §3.2, §3.5). The strategy is not registered here: the app registers it as it is
 * built, as every `labgate serve` process does.
 */

describe('deploy tokens: storage and authentication of Git and registry clients', () => {
  let h: Harness;
  let maintainer: User;
  let acme: Namespace;
  let sub: Namespace;
  let api: Project;
  let deep: Project;
  let other: Project;

  const projectHolder = (project: Project): DeployTokenHolder => ({ kind: 'project', project });
  const groupHolder = (group: Namespace): DeployTokenHolder => ({ kind: 'group', group });
  // Each call from its own address unless told otherwise, so that the ban below counts only its own failures.
  let lastAddress = 0;
  const auth = (login: string, password: string, address = `203.0.113.${++lastAddress}`) => authenticateClient(h.app, { login, password }, address);

  beforeAll(async () => {
    h = await startHarness({ config: { authFailuresMax: 3 } });
    maintainer = await h.createUser('maint');
    acme = await h.createGroup('acme');
    sub = await h.createGroup('sub', { parent: 'acme' });
    await h.createGroup('deeper', { parent: 'acme/sub' });
    await h.createGroup('elsewhere');
    api = await h.createProject('api', 'acme');
    deep = await h.createProject('deep', 'acme/sub/deeper');
    other = await h.createProject('other', 'elsewhere');
    await h.addMember({ project: api }, maintainer, 'MAINTAINER');
  });
  afterAll(() => h.close());

  it('stores a project token with GitLab defaults: gldt- secret, default user name, no expiry, digest only', async () => {
    const { token, secret } = await h.app.services.deployTokens.create(h.as(maintainer), projectHolder(api), { name: 'ci', scopes: ['read_repository'] });
    expect(secret).toMatch(/^gldt-[A-Za-z0-9_-]{20}$/);
    const stored = await h.app.dataSource.getRepository(DeployToken).findOneByOrFail({ id: token.id });
    expect(stored).toMatchObject({ projectId: api.id, groupId: null, deployTokenType: 2, username: null, expiresAt: null, revoked: false, scopes: ['read_repository'] });
    expect(stored.creatorId).toBe(maintainer.id);
    // The secret itself is nowhere in the row.
    const raw = await h.app.dataSource.query('SELECT * FROM deploy_tokens WHERE id = ' + token.id);
    expect(JSON.stringify(raw)).not.toContain(secret.slice('gldt-'.length));

    const outcome = await auth(`gitlab+deploy-token-${token.id}`, secret);
    expect(outcome).toEqual({
      status: 'authenticated',
      actor: {
        kind: 'deploy-token',
        deployToken: { id: token.id, username: `gitlab+deploy-token-${token.id}`, scopes: ['read_repository'], projectId: api.id, groupId: null },
      },
    });
  });

  it('wants the login to be the token user name exactly (case 10)', async () => {
    const { token, secret } = await h.app.services.deployTokens.create(h.system(), projectHolder(api), {
      name: 'deployer',
      scopes: ['read_repository', 'read_registry'],
      username: 'deployer',
    });
    expect(await auth('deployer', secret)).toMatchObject({ status: 'authenticated', actor: { kind: 'deploy-token', deployToken: { id: token.id, username: 'deployer' } } });
    for (const login of ['someone', 'Deployer', ' deployer', `gitlab+deploy-token-${token.id}`, '']) {
      expect(await auth(login, secret)).toEqual({ status: 'invalid' });
    }
  });

  it('refuses revoked and expired tokens as invalid (cases 16, 17), and a token that opens nothing served here (case 23, inferred)', async () => {
    const svc = h.app.services.deployTokens;
    const revoked = await svc.create(h.system(), projectHolder(api), { name: 'r', scopes: ['read_repository'], username: 'r' });
    expect(await auth('r', revoked.secret)).toMatchObject({ status: 'authenticated' });
    await svc.revoke(h.system(), projectHolder(api), revoked.token.id);
    expect(await auth('r', revoked.secret)).toEqual({ status: 'invalid' });

    // Active up to its expiry instant, refused from then on (GitLab's `DeployToken.active`).
    const expiresAt = new Date(h.clock.now().getTime() + 60_000);
    const expiring = await svc.create(h.system(), projectHolder(api), { name: 'e', scopes: ['read_registry'], username: 'e', expiresAt });
    expect(await auth('e', expiring.secret)).toMatchObject({ status: 'authenticated' });
    h.clock.advance(60_000);
    expect(await auth('e', expiring.secret)).toMatchObject({ status: 'authenticated' });
    h.clock.advance(1);
    expect(await auth('e', expiring.secret)).toEqual({ status: 'invalid' });

    const packages = await svc.create(h.system(), projectHolder(api), { name: 'p', scopes: ['read_package_registry', 'write_package_registry'], username: 'p' });
    expect(await auth('p', packages.secret)).toEqual({ status: 'invalid' });
  });

  it('counts wrong deploy-token logins towards the shared ban, and leaves access tokens working', async () => {
    const alice = await h.createUser('alice');
    const pat = await h.createPat(alice, ['read_repository']);
    // An access token is never a deploy token: its login is ignored, whatever it is.
    expect(await auth('gitlab+deploy-token-1', pat.secret, '198.51.100.8')).toMatchObject({ status: 'authenticated', actor: { kind: 'user' } });
    const { secret } = await h.app.services.deployTokens.create(h.system(), projectHolder(api), { name: 'b', scopes: ['read_repository'], username: 'b' });
    expect(await auth('not-b', secret, '198.51.100.9')).toEqual({ status: 'invalid' });
    expect(await auth('b', 'gldt-aaaaaaaaaaaaaaaaaaaa', '198.51.100.9')).toEqual({ status: 'invalid' });
    expect(await auth('B', secret, '198.51.100.9')).toEqual({ status: 'invalid' });
    // The right login and secret now come too late from that address.
    expect(await auth('b', secret, '198.51.100.9')).toEqual({ status: 'banned' });
    expect(await auth('b', secret, '198.51.100.10')).toMatchObject({ status: 'authenticated' });
  });

  it('records no last use: GitLab keeps none for deploy tokens', async () => {
    const columns = (await h.app.dataSource.getRepository(DeployToken).metadata.columns).map((c) => c.databaseName);
    expect(columns).not.toContain('last_used_at');
  });

  it('active means the same in SQL (lists) and in memory (sign-in), to the millisecond of expiry', async () => {
    const own = await h.createProject('edges', 'elsewhere');
    const holder = projectHolder(own);
    const now = h.clock.now().getTime();
    const svc = h.app.services.deployTokens;
    const made = [];
    for (const [name, expiresAt] of [['past', new Date(now - 1)], ['now', new Date(now)], ['soon', new Date(now + 1)], ['never', null]] as const) {
      made.push({ name, ...(await svc.create(h.system(), holder, { name, scopes: ['read_repository'], username: name, expiresAt })) });
    }
    const revoked = await svc.create(h.system(), holder, { name: 'revoked', scopes: ['read_repository'], username: 'revoked' });
    await svc.revoke(h.system(), holder, revoked.token.id);
    made.push({ name: 'revoked', ...revoked });

    const list = await svc.listQuery(h.system(), holder, { active: true });
    const listed = (await list.qb.orderBy('dt.id').getMany()).map((t) => t.username);
    const signedIn: string[] = [];
    for (const m of made) if ((await auth(m.name, m.secret)).status === 'authenticated') signedIn.push(m.name);
    expect(listed).toEqual(['now', 'soon', 'never']);
    expect(signedIn).toEqual(listed);
  });

  it('a group token reaches the projects of its group and subgroups only (case 13)', async () => {
    const issued = await h.app.services.deployTokens.create(h.system(), groupHolder(acme), { name: 'g', scopes: ['read_repository', 'write_registry'], username: 'g' });
    const outcome = await auth('g', issued.secret);
    if (outcome.status !== 'authenticated' || outcome.actor.kind !== 'deploy-token') throw new Error('not authenticated');
    const token = outcome.actor.deployToken;
    expect(token).toMatchObject({ groupId: acme.id, projectId: null });
    const ctx = h.system();
    expect([...(await deployTokenAbilitiesOn(ctx, token, api))].sort()).toEqual(['create_container_image', 'download_code']);
    expect([...(await deployTokenAbilitiesOn(ctx, token, deep))].sort()).toEqual(['create_container_image', 'download_code']);
    expect([...(await deployTokenAbilitiesOn(ctx, token, other))]).toEqual([]);
    expect(deployTokenReachesGroup(token, sub)).toBe(true);
    expect(deployTokenReachesGroup(token, acme)).toBe(true);
    expect(deployTokenReachesGroup({ groupId: sub.id }, acme)).toBe(false);
  });

  it('a project token reaches its own project only (cases 11, 12)', async () => {
    const { secret } = await h.app.services.deployTokens.create(h.system(), projectHolder(api), { name: 'own', scopes: ['read_repository'], username: 'own' });
    const outcome = await auth('own', secret);
    if (outcome.status !== 'authenticated' || outcome.actor.kind !== 'deploy-token') throw new Error('not authenticated');
    const ctx = h.system();
    expect([...(await deployTokenAbilitiesOn(ctx, outcome.actor.deployToken, api))]).toEqual(['download_code']);
    expect([...(await deployTokenAbilitiesOn(ctx, outcome.actor.deployToken, deep))]).toEqual([]);
    expect([...(await deployTokenAbilitiesOn(ctx, outcome.actor.deployToken, other))]).toEqual([]);
  });
});

describe('deploy token policy (pure)', () => {
  const projectToken = { projectId: 7, groupId: null, scopes: ['read_repository'] };
  const groupToken = { projectId: null, groupId: 4, scopes: ['read_registry'] };

  it.each([
    ['read_repository', ['download_code']],
    ['read_registry', ['read_container_image']],
    ['write_registry', ['create_container_image']],
    ['read_package_registry', []],
    ['write_package_registry', []],
    ['api', []],
  ])('scope %s gives %j', (scope, abilities) => {
    expect([...deployTokenScopeAbilities([scope])]).toEqual(abilities);
  });

  it('never gives push_code, whatever the scopes', () => {
    const all = deployTokenScopeAbilities(['read_repository', 'read_registry', 'write_registry', 'read_package_registry', 'write_package_registry']);
    expect([...all].sort()).toEqual(['create_container_image', 'download_code', 'read_container_image']);
  });

  it.each([
    ['its own project', true, projectToken, { id: 7, inGroup: true, namespaceTraversalIds: '1/' }],
    ['another project', false, projectToken, { id: 8, inGroup: true, namespaceTraversalIds: '1/' }],
    ['a project of its group', true, groupToken, { id: 9, inGroup: true, namespaceTraversalIds: '4/' }],
    ['a project of a sub-subgroup', true, groupToken, { id: 9, inGroup: true, namespaceTraversalIds: '1/4/12/30/' }],
    ['a project of the parent group', false, groupToken, { id: 9, inGroup: true, namespaceTraversalIds: '1/' }],
    ['a project of a group whose id merely starts alike', false, groupToken, { id: 9, inGroup: true, namespaceTraversalIds: '1/44/' }],
    ['a project of a personal namespace', false, groupToken, { id: 9, inGroup: false, namespaceTraversalIds: '4/' }],
  ])('reaches %s: %s', (_, reaches, token, project) => {
    expect(deployTokenReachesProject(token, project)).toBe(reaches);
    expect(deployTokenAbilities(token, project).size > 0).toBe(reaches);
  });
});
