import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { addDays } from '../../src/clock';
import { TODAY, useHarness } from '../helpers/harness';

/**
 * python-gitlab's command (`gitlab`; Debian's `gitlab-cli` package installs it as `python-gitlab`),
 * run with a configuration file that points at a Labgate listening on a loopback port. `.ci/run`
 * installs the package when the command is missing; elsewhere this file is skipped, saying why.
 */
const run = promisify(execFile);

function findCommand(): string | null {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of ['gitlab', 'python-gitlab']) {
      try {
        accessSync(path.join(dir, name), constants.X_OK);
        return path.join(dir, name);
      } catch {
        // not here
      }
    }
  }
  return null;
}

const COMMAND = findCommand();
const describeWithCli = COMMAND ? describe : describe.skip;

if (!COMMAND) {
  describe('python-gitlab against Labgate', () => {
    it.skip("needs python-gitlab's `gitlab` command (Debian: apt-get install gitlab-cli); it is not installed here", () => undefined);
  });
}

describeWithCli('python-gitlab against Labgate', () => {
  const h = useHarness();
  let dir: string;
  let configFile: string;
  let owner: User;
  let project: Project;

  /** Runs the command with the test's configuration; parses its JSON output. */
  async function gitlab(...args: string[]): Promise<any> {
    const { stdout } = await run(COMMAND!, ['-c', configFile, '-g', 'labgate', '-o', 'json', ...args], { timeout: 90_000 });
    return stdout.trim() ? JSON.parse(stdout) : null;
  }

  /** python-gitlab's library, as a script would use it (for calls its command line does not offer). */
  async function python(code: string): Promise<any> {
    const script = `import gitlab, json, sys\ngl = gitlab.Gitlab.from_config('labgate', [${JSON.stringify(configFile)}])\n${code}`;
    // The interpreter the command itself runs on, so that it finds the same python-gitlab.
    const shebang = /^#!\s*(\S+)/.exec(readFileSync(COMMAND!, 'utf8').split('\n')[0])?.[1] ?? 'python3';
    const { stdout } = await run(shebang, ['-c', script], { timeout: 90_000 });
    return JSON.parse(stdout);
  }

  beforeAll(async () => {
    const address: AddressInfo = await h.app.listen(0, '127.0.0.1');
    owner = await h.createUser('pat', { name: 'Pat Owner' });
    await h.createGroup('snake', { owner });
    project = await h.createProject('charmer', 'snake');
    const token = (await h.createPat(owner, ['api'])).secret;
    dir = mkdtempSync(path.join(tmpdir(), 'labgate-python-gitlab-'));
    configFile = path.join(dir, 'python-gitlab.cfg');
    writeFileSync(
      configFile,
      ['[global]', 'default = labgate', 'timeout = 60', '', '[labgate]', `url = http://127.0.0.1:${address.port}`, `private_token = ${token}`, 'api_version = 4', ''].join('\n'),
    );
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('shows the current user and a project', async () => {
    expect(await gitlab('current-user', 'get')).toMatchObject({ id: owner.id, username: 'pat' });
    expect(await gitlab('project', 'get', '--id', 'snake/charmer')).toMatchObject({ id: project.id, path_with_namespace: 'snake/charmer' });
  });

  it('creates, lists, rotates and revokes project access tokens', async () => {
    const expiresAt = addDays(TODAY, 30);
    const created = await gitlab(
      'project-access-token', 'create', '--project-id', String(project.id), '--name', 'from-python', '--scopes', 'read_api,read_repository', '--access-level', '30', '--expires-at', expiresAt,
    );
    expect(created).toMatchObject({ name: 'from-python', scopes: ['read_api', 'read_repository'], access_level: 30, expires_at: expiresAt });
    expect(created.token).toMatch(/^glpat-/);

    const listed = await gitlab('project-access-token', 'list', '--project-id', String(project.id));
    expect(listed.map((t: { id: number }) => t.id)).toEqual([created.id]);

    // Rotation is in newer python-gitlab commands; with Debian's 3.x it goes through the library.
    const help = await run(COMMAND!, ['project-access-token', '--help']).then((r) => r.stdout, () => '');
    const rotated = help.includes('rotate')
      ? await gitlab('project-access-token', 'rotate', '--project-id', String(project.id), '--id', String(created.id))
      : await python(`print(json.dumps(gl.http_post('/projects/${project.id}/access_tokens/${created.id}/rotate')))`);
    expect(rotated).toMatchObject({ name: 'from-python', user_id: created.user_id, expires_at: addDays(TODAY, 7), access_level: 30 });
    expect(rotated.id).not.toBe(created.id);

    await gitlab('project-access-token', 'delete', '--project-id', String(project.id), '--id', String(rotated.id));
    const after = await gitlab('project-access-token', 'list', '--project-id', String(project.id));
    expect(after.map((t: { id: number; active: boolean }) => [t.id, t.active]).sort()).toEqual(
      [
        [created.id, false],
        [rotated.id, false],
      ].sort(),
    );
  }, 300_000); // six commands, each a Python interpreter loading python-gitlab: minutes on a loaded machine

  it('lists project members, direct and inherited', async () => {
    const sam = await h.createUser('sam');
    await h.addMember({ project }, sam, 'reporter');
    const direct = await gitlab('project-member', 'list', '--project-id', String(project.id));
    expect(direct.map((m: { username: string }) => m.username)).toContain('sam');
    expect(direct.map((m: { username: string }) => m.username)).not.toContain('pat');
    const all = await gitlab('project-member-all', 'list', '--project-id', String(project.id));
    expect(all.map((m: { username: string; access_level: number }) => [m.username, m.access_level])).toEqual(
      expect.arrayContaining([
        ['sam', 20],
        ['pat', 50],
      ]),
    );
  });

  it('reports GitLab\'s error for a refused request', async () => {
    const failure = await gitlab('project-access-token', 'create', '--project-id', String(project.id), '--name', 'x', '--scopes', 'sudo').then(
      () => null,
      (error: { stderr?: string }) => error.stderr ?? '',
    );
    expect(failure).toContain('scopes does not have a valid value');
  });
});
