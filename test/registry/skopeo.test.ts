import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { startHarness, type Harness } from '../helpers/harness';
import { buildOciImage, registryToolsInstalled, registryWorkDir, SkopeoClient, startRegistry, type Creds, type RunningRegistry } from '../helpers/registry';

/*
 * The registry token service proven with the real components: Debian's docker-registry (Distribution
 * 2.8) trusting Labgate's certificate, and skopeo pushing and pulling a small OCI image with tokens.
 * One registry and one Labgate for the whole file.
 */

const describeWithTools = registryToolsInstalled() ? describe : describe.skip;
if (!registryToolsInstalled()) console.warn('docker-registry or skopeo is missing (.ci/run installs them): the registry tests are skipped');

describeWithTools('docker-registry and skopeo with Labgate as the token service', () => {
  let h: Harness;
  let registry: RunningRegistry;
  let client: SkopeoClient;
  let workDir: string;
  const users: Record<string, User> = {};
  const projects: Record<string, Project> = {};
  let acme: Namespace;
  /** `login:token` of each user's `api` token. */
  const api: Record<string, string> = {};

  /** Tokens are issued "now" by Labgate's clock, and the registry checks them against the real time. */
  const sync = () => h.clock.set(new Date());

  const pull = async (repository: string, creds: Creds) => {
    sync();
    return (await client.pull(repository, creds)).ok;
  };
  const push = async (repository: string, creds: Creds, tag = 'v1') => {
    sync();
    return (await client.push(repository, creds, tag)).ok;
  };

  beforeAll(async () => {
    const work = registryWorkDir();
    workDir = work.dir;
    // The registry's address only shows in REST bodies here: clients are given it directly.
    h = await startHarness({ now: new Date().toISOString(), config: { registryUrl: 'http://127.0.0.1:5000', registryKeyPath: work.keyPath } });
    const address: AddressInfo = await h.app.listen(0, '127.0.0.1');
    registry = await startRegistry({ ...h.config, externalUrl: `http://127.0.0.1:${address.port}` }, workDir);
    client = new SkopeoClient(registry, buildOciImage(workDir));

    for (const name of ['owner', 'guest', 'reporter', 'developer', 'maintainer', 'stranger']) users[name] = await h.createUser(name);
    acme = await h.createGroup('acme', { visibility: 'public', owner: users.owner });
    const other = await h.createGroup('other', { visibility: 'private', owner: users.owner });
    projects.pub = await h.createProject('pub', 'acme', { visibility: 'public' });
    projects.int = await h.createProject('int', 'acme', { visibility: 'internal' });
    projects.priv = await h.createProject('priv', 'acme', { visibility: 'private' });
    projects.secret = await h.createProject('secret', 'other', { visibility: 'private' });
    void other;
    for (const role of ['guest', 'reporter', 'developer', 'maintainer']) await h.addMember({ group: acme }, users[role], role);
    for (const name of Object.keys(users)) api[name] = `${name}:${(await h.createPat(users[name], ['api'])).secret}`;
  }, 180_000);

  afterAll(async () => {
    await registry?.stop();
    await h?.close();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  it('a Maintainer pushes to each project, at its path and up to two levels below it', async () => {
    for (const repository of ['acme/pub', 'acme/int', 'acme/priv', 'acme/priv/app', 'acme/priv/app/worker', 'other/secret']) {
      const creds = repository === 'other/secret' ? api.owner : api.maintainer;
      expect({ repository, pushed: await push(repository, creds) }).toEqual({ repository, pushed: true });
    }
    // Three levels below the project names no project: nothing is granted.
    expect(await push('acme/priv/a/b/c', api.maintainer)).toBe(false);
  });

  // GitLab's role × visibility table, the registry feature open to everyone with access, `api` tokens.
  const table: Array<[actor: string, pub: string, int: string, priv: string]> = [
    // pull/push per visibility: 'pp' both, 'p-' pull only, '--' neither
    ['anonymous', 'p-', '--', '--'],
    ['stranger', 'p-', 'p-', '--'],
    ['guest', 'p-', 'p-', '--'],
    ['reporter', 'p-', 'p-', 'p-'],
    ['developer', 'pp', 'pp', 'pp'],
    ['maintainer', 'pp', 'pp', 'pp'],
  ];
  it.each(table)('%s: pull and push on public (%s), internal (%s) and private (%s) projects', async (actor, ...expected) => {
    const creds = actor === 'anonymous' ? null : api[actor];
    const seen: string[] = [];
    for (const project of ['pub', 'int', 'priv']) {
      const pulled = await pull(`acme/${project}`, creds);
      const pushed = await push(`acme/${project}`, creds, `by-${actor}`);
      seen.push(`${pulled ? 'p' : '-'}${pushed ? 'p' : '-'}`);
    }
    expect(seen).toEqual(expected);
  });

  it('personal tokens by scope: read_registry and read_api pull; write_registry alone cannot pull; both push; read_repository opens nothing', async () => {
    const dev = users.developer;
    const creds = async (scopes: string[]) => `developer:${(await h.createPat(dev, scopes)).secret}`;
    const readRegistry = await creds(['read_registry']);
    const readApi = await creds(['read_api']);
    const writeOnly = await creds(['write_registry']);
    const readWrite = await creds(['read_registry', 'write_registry']);
    const repository = await creds(['read_repository']);
    const results = {
      readRegistry: [await pull('acme/priv', readRegistry), await push('acme/priv', readRegistry, 's1')],
      readApi: [await pull('acme/priv', readApi), await push('acme/priv', readApi, 's2')],
      writeOnly: [await pull('acme/priv', writeOnly)],
      readWrite: [await pull('acme/priv', readWrite), await push('acme/priv', readWrite, 's3')],
      readRepository: [await pull('acme/priv', repository), await pull('acme/pub', repository)],
    };
    expect(results).toEqual({
      readRegistry: [true, false],
      readApi: [true, false],
      writeOnly: [false],
      readWrite: [true, true],
      readRepository: [false, false],
    });
  });

  it('a project token reaches its project by its role, and beyond it only what any signed-in user reaches', async () => {
    const { secret } = await h.createResourceToken({ project: projects.priv }, { scopes: ['read_registry', 'write_registry'], accessLevel: 30 });
    const creds = `bot:${secret}`;
    expect({
      ownPull: await pull('acme/priv', creds),
      ownPush: await push('acme/priv/bot', creds),
      internalPull: await pull('acme/int', creds),
      internalPush: await push('acme/int', creds, 'bot'),
      otherPrivate: await pull('other/secret', creds),
    }).toEqual({ ownPull: true, ownPush: true, internalPull: true, internalPush: false, otherPrivate: false });
  });

  it('a group token reaches the projects of its group by its role', async () => {
    const reporterBot = `bot:${(await h.createResourceToken({ group: acme }, { scopes: ['read_registry', 'write_registry'], accessLevel: 20 })).secret}`;
    const developerBot = `bot:${(await h.createResourceToken({ group: acme }, { scopes: ['api'], accessLevel: 30 })).secret}`;
    expect({
      reporterPull: await pull('acme/priv', reporterBot),
      reporterPush: await push('acme/priv', reporterBot, 'g1'),
      developerPush: await push('acme/priv/group-bot', developerBot),
      outside: await pull('other/secret', developerBot),
    }).toEqual({ reporterPull: true, reporterPush: false, developerPush: true, outside: false });
  });

  it('refuses personal, project and group tokens once revoked', async () => {
    const pat = await h.createPat(users.reporter, ['read_registry']);
    const projectToken = await h.createResourceToken({ project: projects.priv }, { scopes: ['read_registry'], accessLevel: 20 });
    const groupToken = await h.createResourceToken({ group: acme }, { scopes: ['read_registry'], accessLevel: 20 });
    const all: Array<[string, string]> = [
      [`reporter:${pat.secret}`, `tokens revoke --id ${pat.token.id}`],
      [`bot:${projectToken.secret}`, `project-tokens revoke --project acme/priv --id ${projectToken.token.id}`],
      [`bot:${groupToken.secret}`, `group-tokens revoke --group acme --id ${groupToken.token.id}`],
    ];
    for (const [creds, revoke] of all) {
      expect(await pull('acme/priv', creds)).toBe(true);
      const result = await h.cli(revoke.split(' '));
      expect(result.code).toBe(0);
      expect(await pull('acme/priv', creds)).toBe(false);
      // A public project's images stay open to anyone, but not to a client sending a revoked token.
      expect(await pull('acme/pub', creds)).toBe(false);
    }
  });

  it('deploy tokens: a project token pushes and pulls its project only; a group token reaches its subgroups; revoked ones are refused', async () => {
    const ctx = h.system();
    const sub = await h.createGroup('team', { parent: 'acme', visibility: 'private' });
    const deep = await h.createProject('svc', 'acme/team', { visibility: 'private' });
    const issue = async (target: { kind: 'project'; project: Project } | { kind: 'group'; group: Namespace }, scopes: string[], username?: string) => {
      const { token, secret } = await h.app.services.deployTokens.create(ctx, target, { name: 'deploy', scopes, username });
      return { token, creds: `${token.username ?? `gitlab+deploy-token-${token.id}`}:${secret}` };
    };
    const projectToken = await issue({ kind: 'project', project: projects.priv }, ['read_registry', 'write_registry']);
    const readOnly = await issue({ kind: 'project', project: projects.priv }, ['read_registry'], 'ci-reader');
    const groupToken = await issue({ kind: 'group', group: acme }, ['read_registry', 'write_registry']);
    expect({
      ownPush: await push('acme/priv/deployed', projectToken.creds),
      ownPull: await pull('acme/priv/deployed', projectToken.creds),
      otherPrivate: await pull('other/secret', projectToken.creds),
      readOnlyPull: await pull('acme/priv/deployed', readOnly.creds),
      readOnlyPush: await push('acme/priv/deployed', readOnly.creds, 'ro'),
      wrongLogin: await pull('acme/priv/deployed', `someone:${readOnly.creds.split(':')[1]}`),
      groupPushBelow: await push('acme/team/svc', groupToken.creds),
      groupPullBelow: await pull('acme/team/svc', groupToken.creds),
      groupOutside: await pull('other/secret', groupToken.creds),
    }).toEqual({
      ownPush: true,
      ownPull: true,
      otherPrivate: false,
      readOnlyPull: true,
      readOnlyPush: false,
      wrongLogin: false,
      groupPushBelow: true,
      groupPullBelow: true,
      groupOutside: false,
    });
    void sub;
    void deep;
    await h.app.services.deployTokens.revoke(ctx, { kind: 'project', project: projects.priv }, projectToken.token.id);
    await h.app.services.deployTokens.revoke(ctx, { kind: 'group', group: acme }, groupToken.token.id);
    expect([await pull('acme/priv/deployed', projectToken.creds), await pull('acme/team/svc', groupToken.creds)]).toEqual([false, false]);
  });

  it('deleting a tag takes a Maintainer with an api token', async () => {
    expect(await push('acme/priv/doomed', api.maintainer)).toBe(true);
    sync();
    expect((await client.delete('acme/priv/doomed', api.developer)).ok).toBe(false);
    expect(await pull('acme/priv/doomed', api.developer)).toBe(true);
    sync();
    const deleted = await client.delete('acme/priv/doomed', api.maintainer);
    expect(deleted).toMatchObject({ ok: true });
    expect(await pull('acme/priv/doomed', api.developer)).toBe(false);
  });

  it("honours the project's container registry setting and its archived state", async () => {
    const set = async (level: string) => expect((await h.cli(['projects', 'update', '--project', 'acme/pub', '--container-registry-access-level', level])).code).toBe(0);
    await set('private');
    expect([await pull('acme/pub', null), await pull('acme/pub', api.stranger), await pull('acme/pub', api.reporter)]).toEqual([false, false, true]);
    await set('disabled');
    expect([await pull('acme/pub', api.maintainer), await push('acme/pub', api.maintainer, 'off')]).toEqual([false, false]);
    await set('enabled');
    expect(await pull('acme/pub', null)).toBe(true);

    expect((await h.cli(['projects', 'update', '--project', 'acme/int', '--archived', 'true'])).code).toBe(0);
    expect([await pull('acme/int', api.developer), await push('acme/int', api.developer, 'archived')]).toEqual([true, false]);
  });
});
