/**
 * Issue 10: `labgate serve` runs the server with a larger young generation (`--max-semi-space-size`,
 * which V8 reads only at start), so bin/labgate.js starts it again as a child with the flag. What a
 * user notices: it serves, signals reach the server, nothing is left running when the `labgate`
 * process dies, and `LABGATE_SEMI_SPACE_MB=0` (or a flag of one's own) keeps a single process.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usingPostgres } from '../helpers/database';
import { alive, waitFor } from '../helpers/processes';

const root = path.join(__dirname, '..', '..');
const onLinux = process.platform === 'linux' && fs.existsSync(`/proc/${process.pid}/task/${process.pid}/children`);

const childrenOf = (pid: number): number[] => {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
const commandLine = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

// The servers run on SQLite files of their own, so PostgreSQL runs need not repeat this.
(onLinux && !usingPostgres() ? describe : describe.skip)('labgate serve and the heap it runs with', () => {
  let dir: string;
  const started: ChildProcess[] = [];
  const pids: number[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-heap-'));
  });
  afterAll(() => {
    for (const pid of [...started.map((c) => c.pid!), ...pids]) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `node bin/labgate.js serve` on a database of its own, once it answers; its output so far. */
  async function serve(name: string, env: Record<string, string> = {}, nodeFlags: string[] = []) {
    const child = spawn(process.execPath, [...nodeFlags, path.join(root, 'bin', 'labgate.js'), 'serve'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, `${name}.sqlite`)}`, PORT: '0', HOST: '127.0.0.1', LABGATE_LOG_LEVEL: 'silent', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const listening = () => /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
    await waitFor(() => listening() !== null || child.exitCode !== null, 90_000);
    if (!listening()) throw new Error(`labgate serve did not start:\n${output}`);
    const origin = listening()![1];
    const res = await fetch(`${origin}/api/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
    const servers = childrenOf(child.pid!);
    pids.push(...servers);
    return { child, servers, exited, output: () => output };
  }

  it('serves from a child started with --max-semi-space-size=32, and SIGTERM stops both with 0', async () => {
    const { child, servers, exited, output } = await serve('default');
    expect(servers).toHaveLength(1);
    expect(commandLine(servers[0])).toContain('--max-semi-space-size=32');
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await waitFor(() => !alive(servers[0]), 30_000)).toBe(true);
    expect(output()).toContain('SIGTERM received: finishing requests in flight');
  }, 240_000);

  it('stops the server when the labgate process is killed outright', async () => {
    const { child, servers } = await serve('killed', { LABGATE_SEMI_SPACE_MB: '48' });
    expect(commandLine(servers[0])).toContain('--max-semi-space-size=48');
    child.kill('SIGKILL');
    expect(await waitFor(() => !alive(servers[0]), 30_000)).toBe(true);
  }, 240_000);

  it('runs in one process with LABGATE_SEMI_SPACE_MB=0 or a flag of the user\'s own', async () => {
    const off = await serve('off', { LABGATE_SEMI_SPACE_MB: '0' });
    expect(off.servers).toEqual([]);
    off.child.kill('SIGTERM');
    expect(await off.exited).toBe(0);

    const own = await serve('own', {}, ['--max-semi-space-size=8']);
    expect(own.servers).toEqual([]);
    expect(commandLine(own.child.pid!)).toContain('--max-semi-space-size=8');
    own.child.kill('SIGTERM');
    expect(await own.exited).toBe(0);
  }, 240_000);

  it('refuses a size that is not a whole number of MiB, before starting anything', () => {
    const result = spawnSync(process.execPath, [path.join(root, 'bin', 'labgate.js'), 'serve'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'bad.sqlite')}`, PORT: '0', LABGATE_SEMI_SPACE_MB: '32MB' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('LABGATE_SEMI_SPACE_MB must be a whole number of MiB from 0 to 1024, not "32MB"');
    expect(fs.existsSync(path.join(dir, 'bad.sqlite'))).toBe(false);
  });
});
