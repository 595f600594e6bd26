/**
 * Issue 9: `npm start` runs the built server directly (bin/labgate.js builds only when dist is missing
 * or older than src), and SIGTERM sent to npm reaches the server: no server process is left running.
 * The npm script `exec`s node, so npm's own child is the server and npm forwards the signal to it
 * (without `exec`, the intermediate `sh` dies of the signal and the server is orphaned).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { usingPostgres } from '../helpers/database';
import { alive, waitFor } from '../helpers/processes';

const root = path.join(__dirname, '..', '..');
const hasPs = process.platform === 'linux' && spawnSync('ps', ['-o', 'pid=', '-p', String(process.pid)]).status === 0;

/** Every process below `pid`, read from `ps`. */
function descendants(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout ?? '';
  const children = out.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

// The server runs on a SQLite file of its own, so PostgreSQL runs need not repeat this.
(hasPs && !usingPostgres() ? describe : describe.skip)('npm start', () => {
  let dir: string;
  const started: number[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-start-'));
  });
  afterAll(() => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves, and SIGTERM to npm stops the server process too', async () => {
    const npm = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, 'start.sqlite')}`, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(npm.pid!);
    let output = '';
    npm.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    npm.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const npmExited = new Promise<void>((resolve) => npm.on('exit', () => resolve()));

    // Up to a minute: the first start after a change in src/ builds first.
    const listening = () => /listening (?:on|at) (http:\/\/[\d.]+:\d+)/i.exec(output);
    expect(await waitFor(() => listening() !== null || npm.exitCode !== null, 90_000)).toBe(true);
    if (!listening()) throw new Error(`npm start did not start:\n${output}`);
    const base = listening()![1];
    const res = await fetch(`${base}/api/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });

    const below = descendants(npm.pid!);
    started.push(...below);
    expect(below.length).toBeGreaterThan(0);
    npm.kill('SIGTERM');
    await npmExited;
    const stopped = await waitFor(() => below.every((pid) => !alive(pid)), 15_000);
    if (!stopped) throw new Error(`left running after SIGTERM to npm: ${below.filter(alive).join(', ')}\n${output}`);
  }, 120_000);
});
