import { GIT_MESSAGES } from '../../src/modules/repository/git-access.service';
import { Project } from '../../src/modules/project/project.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import { startHarness, type Harness } from '../helpers/harness';
import { cloneUrl, git, scratch, workTree } from './git-helpers';

/**
 * Deploy tokens over Git (reference §3.5 cases 10-17, 21): the login must be the token's user name, a
 * project token opens its own project, a group token the projects of its group and subgroups, and
 * nothing is ever pushed with one.
 */

let h: Harness;
let base: string;
let work: ReturnType<typeof scratch>;
let seed: string;
let top: Namespace;
const projects: Record<string, Project> = {};

async function deployToken(holder: { project?: Project; group?: Namespace }, scopes: string[], options: { username?: string; expiresAt?: Date } = {}) {
  const target = holder.project ? { kind: 'project' as const, project: holder.project } : { kind: 'group' as const, group: holder.group! };
  return h.app.services.deployTokens.create(h.system(), target, { name: 'deploy', scopes, username: options.username, expiresAt: options.expiresAt });
}

const pull = (fullPath: string, login: string, secret: string) => git(['ls-remote', cloneUrl(base, fullPath, secret, login)]);

function refusedWith401(result: { code: number; err: string }) {
  expect(result.code).toBe(128);
  expect(result.err).toContain('Authentication failed');
}

beforeAll(async () => {
  h = await startHarness();
  base = `http://127.0.0.1:${(await h.app.listen(0, '127.0.0.1')).port}`;
  work = scratch();
  const root = await h.createUser('root', { admin: true });
  const token = (await h.createPat(root, ['api'])).secret;
  top = await h.createGroup('top', { visibility: 'private' });
  await h.createGroup('sub', { parent: 'top', visibility: 'private' });
  await h.createGroup('deep', { parent: 'top/sub', visibility: 'private' });
  await h.createGroup('elsewhere', { visibility: 'private' });
  seed = await workTree(work.dir, 'seed');
  for (const [path, ns] of [['app', 'top'], ['lib', 'top/sub/deep'], ['other', 'elsewhere'], ['nocode', 'top']] as const) {
    projects[path] = await h.createProject(path, ns, { visibility: 'private' });
    expect((await git(['push', cloneUrl(base, `${ns}/${path}`, token), 'main'], { cwd: seed })).code).toBe(0);
  }
});

afterAll(async () => {
  await h?.close();
  work?.cleanup();
});

it('a project token clones its private project with its own user name, and only with it', async () => {
  const issued = await deployToken({ project: projects.app }, ['read_repository'], { username: 'deployer' });
  expect((await pull('top/app', 'deployer', issued.secret)).code).toBe(0);
  refusedWith401(await pull('top/app', 'someone', issued.secret));
  const standard = await deployToken({ project: projects.app }, ['read_repository']);
  expect(standard.secret.startsWith('gldt-')).toBe(true);
  const clone = await git(['clone', '-q', cloneUrl(base, 'top/app', standard.secret, `gitlab+deploy-token-${standard.token.id}`), `${work.dir}/app-clone`]);
  expect(clone.code).toBe(0);
});

it('a project token does not open another project (401)', async () => {
  const issued = await deployToken({ project: projects.app }, ['read_repository'], { username: 'app-only' });
  refusedWith401(await pull('elsewhere/other', 'app-only', issued.secret));
});

it('a group token opens a project two subgroups down, and nothing outside its group', async () => {
  const issued = await deployToken({ group: top }, ['read_repository'], { username: 'group-deployer' });
  expect((await pull('top/sub/deep/lib', 'group-deployer', issued.secret)).code).toBe(0);
  refusedWith401(await pull('elsewhere/other', 'group-deployer', issued.secret));
});

it('pushing with a read_repository token: "You are not allowed to upload code."', async () => {
  const issued = await deployToken({ project: projects.app }, ['read_repository'], { username: 'pusher' });
  const pushed = await git(['push', cloneUrl(base, 'top/app', issued.secret, 'pusher'), 'main:refs/heads/deploy'], { cwd: seed });
  expect(pushed.err).toContain(`remote: ${GIT_MESSAGES.uploadAbility}`);
  expect(pushed.err).toContain('error: 403');
});

it('a read_registry token cannot clone: "You are not allowed to download code."', async () => {
  const issued = await deployToken({ project: projects.app }, ['read_registry'], { username: 'registry-only' });
  const result = await pull('top/app', 'registry-only', issued.secret);
  expect(result.err).toContain(`remote: ${GIT_MESSAGES.downloadAbility}`);
});

it('expired and revoked tokens, and a project whose repository is disabled, get 401', async () => {
  const expired = await deployToken({ project: projects.app }, ['read_repository'], { username: 'expired', expiresAt: new Date('2026-01-01T00:00:00Z') });
  refusedWith401(await pull('top/app', 'expired', expired.secret));
  const revoked = await deployToken({ project: projects.app }, ['read_repository'], { username: 'revoked' });
  await h.app.services.deployTokens.revoke(h.system(), { kind: 'project', project: projects.app }, revoked.token.id);
  refusedWith401(await pull('top/app', 'revoked', revoked.secret));
  const disabled = await deployToken({ group: top }, ['read_repository'], { username: 'disabled-repo' });
  await h.app.dataSource.getRepository(Project).update({ id: projects.nocode.id }, { settings: JSON.stringify({ repositoryAccessLevel: 0 }) });
  refusedWith401(await pull('top/nocode', 'disabled-repo', disabled.secret));
});
