import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { RequestContext } from '../../src/core/context';
import { GIT_MESSAGES } from '../../src/modules/repository/git-access.service';
import { hashedPath } from '../../src/modules/repository/repository-storage';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { startHarness, TODAY, type Harness } from '../helpers/harness';
import { cloneUrl, git, scratch, workTree } from './git-helpers';

/**
 * Git over HTTP with the real `git` against a running server: GitLab's outcome matrix (role ×
 * visibility × pull/push, reference §1.5), scopes, protected branches judged by the pre-receive hook,
 * archived projects, revoked/expired/blocked credentials, resource tokens, and the failed-auth ban
 * shared with the API. One server and one world for the whole file.
 */

const ROLES = ['anonymous', 'outsider', 'external', 'guest', 'planner', 'reporter', 'developer', 'maintainer', 'owner'] as const;
type Role = (typeof ROLES)[number];
const VISIBILITIES = ['public', 'internal', 'private'] as const;
type Visibility = (typeof VISIBILITIES)[number];

/** Reference §1.5: what each role gets on each visibility, pulling and pushing (ok, 401, or a 403/404 message). */
type Outcome = 'ok' | 401 | { status: 403 | 404; message: string };
const NOT_FOUND: Outcome = { status: 404, message: GIT_MESSAGES.projectNotFound };
const NO_PUSH: Outcome = { status: 403, message: GIT_MESSAGES.pushCode };
function expected(role: Role, visibility: Visibility): { pull: Outcome; push: Outcome } {
  if (role === 'anonymous') return { pull: visibility === 'public' ? 'ok' : 401, push: 401 };
  if (role === 'outsider') return visibility === 'private' ? { pull: NOT_FOUND, push: NOT_FOUND } : { pull: 'ok', push: NO_PUSH };
  if (role === 'external') return visibility === 'public' ? { pull: 'ok', push: NO_PUSH } : { pull: NOT_FOUND, push: NOT_FOUND };
  if (role === 'guest') return { pull: visibility === 'private' ? { status: 403, message: GIT_MESSAGES.downloadCode } : 'ok', push: NO_PUSH };
  if (role === 'planner' || role === 'reporter') return { pull: 'ok', push: NO_PUSH };
  return { pull: 'ok', push: 'ok' };
}

let h: Harness;
let base: string;
let work: ReturnType<typeof scratch>;
let seed: string;
const users = {} as Record<Exclude<Role, 'anonymous'> | 'root', User>;
const tokens = {} as Record<Exclude<Role, 'anonymous'> | 'root', string>;
let acme: Namespace;

async function pat(user: User, scopes: string[], expiresAt?: string): Promise<string> {
  return (await h.createPat(user, scopes, { expiresAt })).secret;
}

/** `git ls-remote` (the upload-pack advertisement) or a push of a new branch, as a role. */
async function pull(fullPath: string, token?: string) {
  return git(['ls-remote', cloneUrl(base, fullPath, token)]);
}
async function push(fullPath: string, refspec: string, token?: string, extra: string[] = [], from = seed) {
  return git(['push', ...extra, cloneUrl(base, fullPath, token), refspec], { cwd: from });
}

function assertOutcome(result: { code: number; err: string }, outcome: Outcome, label: string): void {
  if (outcome === 'ok') {
    expect({ label, code: result.code, err: result.code === 0 ? '' : result.err }).toEqual({ label, code: 0, err: '' });
  } else if (outcome === 401) {
    expect({ label, code: result.code }).toEqual({ label, code: 128 });
    expect(result.err).toMatch(/Authentication failed|could not read Username/);
  } else {
    expect({ label, code: result.code }).toEqual({ label, code: 128 });
    expect(result.err).toContain(`remote: ${outcome.message}`);
    // Git names a 404 "not found" and shows other statuses by number.
    expect(result.err).toContain(outcome.status === 404 ? 'not found' : `error: ${outcome.status}`);
  }
}

beforeAll(async () => {
  h = await startHarness();
  const address = await h.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${address.port}`;
  work = scratch();
  users.root = await h.createUser('root', { admin: true });
  for (const role of ROLES) {
    if (role === 'anonymous') continue;
    users[role] = await h.createUser(role, { external: role === 'external' });
  }
  acme = await h.createGroup('acme', { visibility: 'public', owner: users.owner });
  for (const role of ['guest', 'planner', 'reporter', 'developer', 'maintainer'] as const) await h.addMember({ group: acme }, users[role], role);
  for (const visibility of VISIBILITIES) await h.createProject(visibility, 'acme', { visibility });
  for (const key of Object.keys(users) as Array<keyof typeof users>) tokens[key] = await pat(users[key], ['api']);
  seed = await workTree(work.dir, 'seed');
  for (const visibility of VISIBILITIES) {
    const first = await push(`acme/${visibility}`, 'main', tokens.root);
    expect(first.code).toBe(0);
  }
});

afterAll(async () => {
  await h?.close();
  work?.cleanup();
});

describe('GitLab outcome matrix (reference §1.5), over Git and against the policy', () => {
  for (const visibility of VISIBILITIES) {
    for (const role of ROLES) {
      const { pull: pullOutcome, push: pushOutcome } = expected(role, visibility);
      it(`${role} on a ${visibility} project: pull ${typeof pullOutcome === 'object' ? pullOutcome.status : pullOutcome}, push ${typeof pushOutcome === 'object' ? pushOutcome.status : pushOutcome}`, async () => {
        const token = role === 'anonymous' ? undefined : tokens[role];
        assertOutcome(await pull(`acme/${visibility}`, token), pullOutcome, `${role} pulls ${visibility}`);
        assertOutcome(await push(`acme/${visibility}`, `main:refs/heads/${role}-${visibility}`, token), pushOutcome, `${role} pushes ${visibility}`);

        // The policy's download_code / push_code rows agree with what Git did.
        const project = (await h.app.dataSource.getRepository(Project).findOneByOrFail({ fullPath: `acme/${visibility}` }))!;
        const ctx = role === 'anonymous' ? new RequestContext(h.app, null) : new RequestContext(h.app, { user: users[role], token: null, scopes: null });
        const abilities = await h.app.services.projects.abilities(ctx, project);
        expect({ download_code: abilities.has('download_code'), push_code: abilities.has('push_code') }).toEqual({
          download_code: pullOutcome === 'ok',
          push_code: pushOutcome === 'ok',
        });
      });
    }
  }
});

describe('scopes (reference §1.9 cases 7-11)', () => {
  it('read_repository pulls with any login, and cannot push: "You are not allowed to upload code."', async () => {
    const token = await pat(users.reporter, ['read_repository']);
    assertOutcome(await git(['ls-remote', cloneUrl(base, 'acme/private', token, 'anything-at-all')]), 'ok', 'pull');
    assertOutcome(await push('acme/private', 'main:refs/heads/rr', token), { status: 403, message: GIT_MESSAGES.uploadAbility }, 'push');
  });

  it('read_registry alone cannot pull: "You are not allowed to download code."', async () => {
    const token = await pat(users.reporter, ['read_registry']);
    assertOutcome(await pull('acme/private', token), { status: 403, message: GIT_MESSAGES.downloadAbility }, 'pull');
  });

  it('read_api pulls and cannot push; write_repository pushes a feature branch', async () => {
    const readApi = await pat(users.developer, ['read_api']);
    assertOutcome(await pull('acme/private', readApi), 'ok', 'pull');
    assertOutcome(await push('acme/private', 'main:refs/heads/ra', readApi), { status: 403, message: GIT_MESSAGES.uploadAbility }, 'push');
    const write = await pat(users.developer, ['write_repository']);
    assertOutcome(await push('acme/private', 'main:refs/heads/feature-write', write), 'ok', 'push');
  });

  it('a clone records the token\'s last use', async () => {
    const token = await h.createPat(users.reporter, ['read_repository']);
    expect((await git(['clone', '-q', cloneUrl(base, 'acme/private', token.secret), path.join(work.dir, 'last-use')])).code).toBe(0);
    const stored = await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ id: token.token.id });
    expect(stored.lastUsedAt).not.toBeNull();
    expect(fs.readFileSync(path.join(work.dir, 'last-use', 'README.md'), 'utf8')).toBe('# seed\n');
  });
});

describe('protected branches, judged by the pre-receive hook (reference §1.9 cases 12-16)', () => {
  let history: string;

  beforeAll(async () => {
    // A clone of the public project with a second commit on top of the seed.
    history = path.join(work.dir, 'history');
    expect((await git(['clone', '-q', cloneUrl(base, 'acme/public', tokens.maintainer), history])).code).toBe(0);
    fs.writeFileSync(path.join(history, 'more.txt'), 'more\n');
    await git(['add', '.'], { cwd: history });
    await git(['commit', '-q', '-m', 'more'], { cwd: history });
  });

  it('a Developer pushing to the protected default branch is refused in GitLab\'s words; a Maintainer fast-forwards it', async () => {
    const refused = await push('acme/public', 'HEAD:main', tokens.developer, [], history);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain(`remote: GitLab: ${GIT_MESSAGES.pushProtected}`);
    expect(refused.err).toContain('pre-receive hook declined');
    assertOutcome(await push('acme/public', 'HEAD:main', tokens.maintainer, [], history), 'ok', 'maintainer fast-forward');
  });

  it('a force push to the default branch is refused, even for a Maintainer (recognised from the objects)', async () => {
    const rewritten = await workTree(work.dir, 'rewrite');
    const refused = await push('acme/public', 'main:main', tokens.maintainer, ['--force'], rewritten);
    expect(refused.err).toContain(`remote: GitLab: ${GIT_MESSAGES.forcePushProtected}`);
    // Unchanged on the server.
    const heads = await pull('acme/public', tokens.maintainer);
    const localHead = (await git(['rev-parse', 'HEAD'], { cwd: history })).out.trim();
    expect(heads.out).toContain(`${localHead}\trefs/heads/main`);
  });

  it('nobody deletes the default branch', async () => {
    const refused = await push('acme/public', ':main', tokens.owner, [], history);
    expect(refused.err).toContain(`remote: GitLab: ${GIT_MESSAGES.deleteDefaultBranch}`);
  });

  it('another protected branch: a Developer may not delete it, a Maintainer only through the web interface', async () => {
    assertOutcome(await push('acme/public', 'HEAD:refs/heads/release', tokens.maintainer, [], history), 'ok', 'create release');
    const protect = await h.rest('POST', '/projects/acme%2Fpublic/protected_branches', tokens.maintainer, { name: 'release', push_access_level: 30, merge_access_level: 30 });
    expect(protect.status).toBe(201);
    expect((await push('acme/public', ':release', tokens.developer, [], history)).err).toContain(`remote: GitLab: ${GIT_MESSAGES.deleteProtected}`);
    expect((await push('acme/public', ':release', tokens.maintainer, [], history)).err).toContain(`remote: GitLab: ${GIT_MESSAGES.deleteProtectedOverGit}`);
    // Developers may push to it (its push level is Developers + Maintainers), and delete unprotected branches.
    assertOutcome(await push('acme/public', 'HEAD:release', tokens.developer, [], history), 'ok', 'developer pushes release');
    assertOutcome(await push('acme/public', ':refs/heads/developer-public', tokens.developer, [], history), 'ok', 'delete open branch');
  });

  it('the first push into an empty repository: a Developer gets GitLab\'s three lines, a Maintainer creates main, which stays protected', async () => {
    await h.createProject('empty', 'acme', { visibility: 'private' });
    const refused = await push('acme/empty', 'main', tokens.developer);
    expect(refused.err).toContain('remote: GitLab: A default branch (e.g. main) does not yet exist for acme/empty');
    expect(refused.err).toContain('remote: Ask a project Owner or Maintainer to create a default branch:');
    expect(refused.err).toContain('remote: http://example.com/acme/empty/-/project_members');
    assertOutcome(await push('acme/empty', 'main', tokens.maintainer), 'ok', 'maintainer first push');
    const list = await h.rest('GET', '/projects/acme%2Fempty/protected_branches', tokens.maintainer);
    expect(list.body).toEqual([
      {
        id: expect.any(Number),
        name: 'main',
        push_access_levels: [{ id: expect.any(Number), access_level: 40, access_level_description: 'Maintainers', deploy_key_id: null, user_id: null, group_id: null }],
        merge_access_levels: [{ id: expect.any(Number), access_level: 40, access_level_description: 'Maintainers', user_id: null, group_id: null }],
        unprotect_access_levels: [],
        allow_force_push: false,
        code_owner_approval_required: false,
      },
    ]);
  });

  it('a branch named like a SHA-1 is refused', async () => {
    const refused = await push('acme/public', `HEAD:refs/heads/${'a'.repeat(40)}`, tokens.developer, [], history);
    expect(refused.err).toContain(`remote: GitLab: ${GIT_MESSAGES.shaBranchName}`);
  });
});

describe('project states and credentials', () => {
  it('archived projects, and projects in an archived group, refuse pushes and still serve pulls', async () => {
    await h.createProject('old', 'acme', { visibility: 'private' });
    assertOutcome(await push('acme/old', 'main', tokens.maintainer), 'ok', 'before archiving');
    await h.app.services.projects.setArchived(h.system(), 'acme/old', true);
    assertOutcome(await push('acme/old', 'main:refs/heads/late', tokens.maintainer), { status: 403, message: GIT_MESSAGES.archived }, 'archived');
    assertOutcome(await pull('acme/old', tokens.reporter), 'ok', 'pull archived');

    const attic = await h.createGroup('attic', { visibility: 'private', owner: users.owner });
    await h.createProject('box', 'attic', { visibility: 'private' });
    expect((await h.cli(['groups', 'update', '--group', 'attic', '--archived', 'true'])).code).toBe(0);
    assertOutcome(await push('attic/box', 'main', tokens.owner), { status: 403, message: GIT_MESSAGES.archived }, 'archived group');
    expect(attic.id).toBeGreaterThan(0);
  });

  it('revoked, expired and blocked credentials get the 401 challenge', async () => {
    const revoked = await h.createPat(users.reporter, ['read_repository']);
    expect((await h.cli(['tokens', 'revoke', '--id', String(revoked.token.id)])).code).toBe(0);
    assertOutcome(await pull('acme/private', revoked.secret), 401, 'revoked');

    const expiring = await pat(users.reporter, ['read_repository'], '2026-01-16');
    assertOutcome(await pull('acme/private', expiring), 'ok', 'before expiry');
    h.clock.set('2026-01-16T00:00:00.000Z');
    try {
      assertOutcome(await pull('acme/private', expiring), 401, 'expired');
    } finally {
      h.clock.set(`${TODAY}T12:00:00.000Z`);
    }

    const blocked = await h.createUser('blocked-dev');
    await h.addMember({ group: acme }, blocked, 'developer');
    const token = await pat(blocked, ['api']);
    assertOutcome(await pull('acme/private', token), 'ok', 'before blocking');
    expect((await h.cli(['users', 'update', '--username', 'blocked-dev', '--state', 'blocked'])).code).toBe(0);
    assertOutcome(await pull('acme/private', token), 401, 'blocked');
  });

  it('the repository feature disabled: even the Owner may not download (403)', async () => {
    const project = await h.createProject('nocode', 'acme', { visibility: 'private' });
    await h.app.dataSource.getRepository(Project).update({ id: project.id }, { settings: JSON.stringify({ repositoryAccessLevel: 0 }) });
    assertOutcome(await pull('acme/nocode', tokens.owner), { status: 403, message: GIT_MESSAGES.downloadCode }, 'disabled');
  });

  it('paths: no namespace, a missing namespace, no .git, HEAD, ssh routes, no service', async () => {
    assertOutcome(await pull('lonely', tokens.root), { status: 404, message: GIT_MESSAGES.namespaceNotFound }, 'no namespace');
    assertOutcome(await pull('nosuchns/x', tokens.root), NOT_FOUND, 'missing');
    assertOutcome(await pull('nosuchns/x'), 401, 'anonymous missing');

    const redirect = await fetch(`${base}/acme/public/info/refs?service=git-upload-pack`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/acme/public.git/info/refs?service=git-upload-pack');
    // Git follows it: the path without .git clones too.
    expect((await git(['ls-remote', `${base}/acme/public`])).code).toBe(0);

    const head = await fetch(`${base}/acme/public.git/info/refs?service=git-upload-pack`, { method: 'HEAD' });
    expect(head.status).toBe(403);
    const ssh = await fetch(`${base}/acme/public.git/ssh-upload-pack`, { method: 'POST' });
    expect([ssh.status, await ssh.text()]).toEqual([404, 'Not found']);
    const dumb = await fetch(`${base}/acme/public.git/info/refs`);
    expect([dumb.status, await dumb.text()]).toEqual([403, "The command you're trying to execute is not allowed."]);

    const anonymous = await fetch(`${base}/acme/private.git/info/refs?service=git-upload-pack`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="GitLab"');
    expect(await anonymous.text()).toMatch(/^HTTP Basic: Access denied\. If a password was provided for Git authentication/);
  });

  it('a gzip request body passes through to git http-backend', async () => {
    const head = (await pull('acme/public')).out.split('\n').find((l) => l.endsWith('\trefs/heads/main'))!.split('\t')[0];
    const pkt = (line: string) => `${(line.length + 4).toString(16).padStart(4, '0')}${line}`;
    const body = gzipSync(Buffer.from(`${pkt(`want ${head}\n`)}0000${pkt('done\n')}`));
    const answer = await fetch(`${base}/acme/public.git/git-upload-pack`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-git-upload-pack-request', 'content-encoding': 'gzip' },
      body,
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/x-git-upload-pack-result');
    expect(Buffer.from(await answer.arrayBuffer()).includes('PACK')).toBe(true);
  });

  it('the internal allowed endpoint refuses callers without the hook\'s secret', async () => {
    const answer = await fetch(`${base}/api/v4/internal/allowed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'gitlab-shared-secret': 'guess' },
      body: JSON.stringify({ gl_id: `user-${users.root.id}`, gl_repository: 'project-1', changes: '' }),
    });
    expect(answer.status).toBe(401);
  });
});

describe('project and group tokens', () => {
  it('a project token clones and pushes its own project; beyond it, it is any signed-in user', async () => {
    const project = (await h.app.dataSource.getRepository(Project).findOneByOrFail({ fullPath: 'acme/private' }))!;
    const issued = await h.createResourceToken({ project }, { scopes: ['write_repository'], accessLevel: 30 });
    assertOutcome(await pull('acme/private', issued.secret), 'ok', 'own project');
    assertOutcome(await push('acme/private', 'main:refs/heads/bot-branch', issued.secret), 'ok', 'push own project');
    assertOutcome(await pull('acme/internal', issued.secret), 'ok', 'internal project');
    assertOutcome(await push('acme/internal', 'main:refs/heads/bot-internal', issued.secret), NO_PUSH, 'push internal');
    assertOutcome(await pull('acme/empty', issued.secret), NOT_FOUND, 'another private project');
  });

  it('a group token (api, write_repository, Maintainer) clones and pushes the group\'s projects', async () => {
    const issued = await h.createResourceToken({ group: acme }, { scopes: ['api', 'write_repository'], accessLevel: 40 });
    const clone = path.join(work.dir, 'group-token-clone');
    expect((await git(['clone', '-q', cloneUrl(base, 'acme/private', issued.secret), clone])).code).toBe(0);
    fs.writeFileSync(path.join(clone, 'ci.txt'), 'from CI\n');
    await git(['add', '.'], { cwd: clone });
    await git(['commit', '-q', '-m', 'ci'], { cwd: clone });
    assertOutcome(await git(['push', '-q', 'origin', 'HEAD:main'], { cwd: clone }), 'ok', 'maintainer bot pushes main');
  });
});

describe('storage', () => {
  it('keeps each repository at GitLab\'s hashed path, and a fork starts as a copy of its source', async () => {
    const project = (await h.app.dataSource.getRepository(Project).findOneByOrFail({ fullPath: 'acme/public' }))!;
    expect(fs.existsSync(path.join(h.app.repositories.root, hashedPath(project.id), 'HEAD'))).toBe(true);
    // GitLab's layout: the SHA-256 of the project id, fanned out by its first two bytes.
    expect(hashedPath(1)).toBe('@hashed/6b/86/6b86b273ff34fce19d6b804eff5a3f5747ada4eaa22f1d49c01e52ddb7875b4b.git');
    const fork = await h.app.services.projectFeatures.fork(h.system(), 'acme/public', 'developer');
    const source = await pull('acme/public', tokens.developer);
    const copy = await pull(fork.fullPath, tokens.developer);
    expect(copy.code).toBe(0);
    expect(copy.out.split('\n').filter((l) => l.includes('refs/heads/main'))).toEqual(source.out.split('\n').filter((l) => l.includes('refs/heads/main')));
  });
});

describe('the failed-authentication ban is the API\'s', () => {
  it('wrong Git passwords ban the address for Git and the API alike', async () => {
    const wrong = `Basic ${Buffer.from('oauth2:glpat-wrongwrongwrongwrong1').toString('base64')}`;
    for (let i = 0; i < h.config.authFailuresMax; i++) {
      const answer = await fetch(`${base}/acme/public.git/info/refs?service=git-upload-pack`, { headers: { authorization: wrong } });
      expect(answer.status).toBe(401);
    }
    const banned = await pull('acme/private', tokens.root);
    expect(banned.err).toContain('remote: Too many failed authentication attempts from this IP');
    const api = await fetch(`${base}/api/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.root}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ currentUser { username } }' }),
    });
    expect(api.status).toBe(403);
  });
});

describe('the repository in the API', () => {
  it('GraphQL: httpUrlToRepo and repository { exists empty rootRef } from the real repository; null for those who may not download', async () => {
    await h.createProject('blank', 'acme', { visibility: 'private' });
    const query = `query($p: ID!) { project(fullPath: $p) { httpUrlToRepo repository { exists empty rootRef } } }`;
    const filled = await h.gql(query, { p: 'acme/private' }, { token: tokens.reporter });
    expect(filled.data.project).toEqual({ httpUrlToRepo: 'http://example.com/acme/private.git', repository: { exists: true, empty: false, rootRef: 'main' } });
    const blank = await h.gql(query, { p: 'acme/blank' }, { token: tokens.reporter });
    expect(blank.data.project.repository).toEqual({ exists: true, empty: true, rootRef: null });
    const guest = await h.gql(query, { p: 'acme/private' }, { token: tokens.guest });
    expect(guest.data.project).toEqual({ httpUrlToRepo: 'http://example.com/acme/private.git', repository: null });
  });

  it('REST: http_url_to_repo, default_branch and empty_repo', async () => {
    const filled = await h.rest('GET', '/projects/acme%2Fprivate', tokens.reporter);
    expect(filled.body).toMatchObject({ http_url_to_repo: 'http://example.com/acme/private.git', default_branch: 'main', empty_repo: false });
    const blank = await h.rest('GET', '/projects/acme%2Fblank', tokens.reporter);
    expect(blank.body).toMatchObject({ default_branch: null, empty_repo: true });
  });
});
