import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs the real `git` with no user configuration and no credential prompts; never throws. */
export async function git(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await run('git', args, {
      cwd: options.cwd,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        PATH: process.env.PATH,
        HOME: os.tmpdir(),
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_TERMINAL_PROMPT: '0',
        GIT_ASKPASS: '/bin/false',
        GIT_AUTHOR_NAME: 'Test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'Test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
        ...options.env,
      },
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, out: e.stdout ?? '', err: e.stderr ?? '' };
  }
}

/** A scratch directory removed by `cleanup`. */
export function scratch(): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-git-test-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A work tree with one commit on `main` (a file named after `label`), ready to push. */
export async function workTree(parent: string, label: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(parent, `${label}-`));
  await git(['init', '-q', '-b', 'main', dir]);
  fs.writeFileSync(path.join(dir, 'README.md'), `# ${label}\n`);
  await git(['add', '.'], { cwd: dir });
  await git(['commit', '-q', '-m', `first ${label}`], { cwd: dir });
  return dir;
}

export function gitAvailable(): boolean {
  return spawnSync('git', ['--version']).status === 0;
}

/** An HTTP URL with Basic credentials (any login, the token as password). */
export function cloneUrl(base: string, fullPath: string, token?: string, login = 'oauth2'): string {
  const url = new URL(`${base}/${fullPath}.git`);
  if (token !== undefined) {
    url.username = login;
    url.password = token;
  }
  return url.toString();
}
