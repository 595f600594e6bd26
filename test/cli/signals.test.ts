/**
 * Issue 20: whatever command the user started the server with (`npm start`, `npx labgate serve`,
 * `node bin/labgate.js serve`, each with or without `--workers 2`), a SIGTERM or SIGINT sent to that
 * process drains and stops every Labgate process below it, and so does killing it with SIGKILL.
 *
 * The wrappers differ: `npm start` execs bin/labgate.js, so npm passes the signal to it; `npx` runs it
 * through `sh -c`, which dies of the signal without passing it on; SIGKILL is never passed on. In the
 * last two cases the server notices that a process between it and the one the user started has gone
 * (src/process-chain.ts) and stops as on SIGTERM, which is what "finishing requests in flight" in its
 * output shows: a drained stop, not a process killed from outside.
 *
 * Each run has a SQLite file of its own, so PostgreSQL runs need not repeat this. The runs go three at a
 * time: most of a run is spent waiting for processes to start and stop, which overlaps well, while
 * starting all nine at once would only make each start wait longer for the two cores.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { usingPostgres } from '../helpers/database';
import { alive, waitFor } from '../helpers/processes';

const root = path.join(__dirname, '..', '..');
const onLinux = process.platform === 'linux' && fs.existsSync(`/proc/${process.pid}/task/${process.pid}/children`);
const hasNpx = spawnSync('npx', ['--version']).status === 0;

/** Every process below `pid`. */
function descendants(pid: number): number[] {
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** A GET on a connection of its own (the cluster hands each connection to one worker in turn). */
function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

type Form = 'npm start' | 'npx labgate serve' | 'node bin/labgate.js serve';

function command(form: Form, workers: number): [string, string[]] {
  const extra = workers > 1 ? ['--workers', String(workers)] : [];
  if (form === 'npm start') return ['npm', ['start', '--silent', ...(extra.length ? ['--', ...extra] : [])]];
  if (form === 'npx labgate serve') return ['npx', ['labgate', 'serve', ...extra]];
  return [process.execPath, [path.join(root, 'bin', 'labgate.js'), 'serve', ...extra]];
}

// Each form with and without workers, each signal for each form: nine starts, not eighteen, as each
// start takes seconds on a loaded machine.
const cases: [Form, number, NodeJS.Signals][] = [
  ['npm start', 1, 'SIGTERM'],
  ['npm start', 2, 'SIGINT'],
  ['npm start', 1, 'SIGKILL'],
  ['npx labgate serve', 2, 'SIGTERM'],
  ['npx labgate serve', 1, 'SIGINT'],
  ['npx labgate serve', 2, 'SIGKILL'],
  ['node bin/labgate.js serve', 2, 'SIGTERM'],
  ['node bin/labgate.js serve', 1, 'SIGINT'],
  ['node bin/labgate.js serve', 1, 'SIGKILL'],
];

(onLinux && hasNpx && !usingPostgres() ? describe : describe.skip)('stopping the server whatever started it', () => {
  let dir: string;
  const leftovers: number[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-signals-'));
  });
  afterAll(() => {
    for (const pid of leftovers) if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // Concurrent tests, at most `maxConcurrency` (3, in package.json) at once.
  it.concurrent.each(cases.map(([form, workers, signal], index) => [form, workers, signal, index] as const))(
    '`%s` with %i worker(s): %s to it stops every Labgate process',
    (form, workers, signal, index) => run(form, workers, signal, `run-${index}.sqlite`),
    180_000,
  );

  async function run(form: Form, workers: number, signal: NodeJS.Signals, database: string): Promise<void> {
    const [program, args] = command(form, workers);
    const child = spawn(program, args, {
      cwd: root,
      env: { ...process.env, DATABASE_URL: `sqlite:${path.join(dir, database)}`, PORT: '0', HOST: '127.0.0.1', LABGATE_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    leftovers.push(child.pid!);
    let output = '';
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));

    // Generous: a loaded machine, and the first npx call in a fresh clone builds.
    const ports = () => [...output.matchAll(/listening on http:\/\/127\.0\.0\.1:(\d+)\//g)].map((m) => m[1]);
    const started = await waitFor(() => ports().length >= workers || child.exitCode !== null, 120_000);
    if (!started || ports().length < workers) throw new Error(`${form} did not start:\n${output}`);
    expect(new Set(ports()).size).toBe(1); // the workers share one port
    const res = await fetch(`http://127.0.0.1:${ports()[0]}/-/liveness`);
    expect(res.status).toBe(200);

    if (workers > 1) {
      // One scrape shows every worker: liveness requests on fresh connections (spread over the
      // workers) are all counted, whichever worker answers the scrape.
      const origin = `http://127.0.0.1:${ports()[0]}`;
      for (let i = 0; i < 20; i += 1) await get(`${origin}/-/liveness`);
      const counts: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const text = await get(`${origin}/-/metrics`);
        const m = /^labgate_http_requests_total\{method="GET",path="\/-\/liveness",status="200"\} (\d+)$/m.exec(text);
        counts.push(Number(m?.[1]));
      }
      expect(counts).toEqual([21, 21, 21, 21]);
    }

    // A running server writes a request's line out within moments, however quiet it is.
    const seenId = `seen-while-running-${signal}-${workers}`;
    await new Promise<void>((resolve, reject) => {
      http.get(`http://127.0.0.1:${ports()[0]}/-/liveness`, { agent: false, headers: { 'x-request-id': seenId } }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    expect(await waitFor(() => stdout.includes(`"requestId":"${seenId}"`), 10_000)).toBe(true);

    // The last request before the signal: its line is written asynchronously, and must still be on
    // standard output once the server has stopped (flushed on close and on exit).
    const lastId = `last-before-${signal}-${workers}`;
    await new Promise<void>((resolve, reject) => {
      http.get(`http://127.0.0.1:${ports()[0]}/-/liveness`, { agent: false, headers: { 'x-request-id': lastId } }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });

    const below = descendants(child.pid!);
    leftovers.push(...below);
    expect(below.length).toBeGreaterThan(0);
    child.kill(signal);
    await exited;
    const stopped = await waitFor(() => below.every((pid) => !alive(pid)), 30_000);
    if (!stopped) throw new Error(`left running after ${signal} to ${form}: ${below.filter(alive).join(', ')}\n${output}`);
    // Every server drained its requests and closed, rather than being killed.
    expect(output.match(/finishing requests in flight, then closing/g)?.length).toBe(workers);
    // Standard output is the JSON log only (a log collector parses every line); the rest went to stderr.
    const lines = stdout.split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.filter((line) => !/^\{.*\}$/.test(line) || typeof JSON.parse(line) !== 'object')).toEqual([]);
    expect(lines.map((line) => JSON.parse(line)).filter((record) => record.requestId === lastId)).toEqual([expect.objectContaining({ msg: 'request', path: '/-/liveness', status: 200 })]);
  }
});
