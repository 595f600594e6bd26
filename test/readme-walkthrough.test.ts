/**
 * Issue 9: the README's walkthrough runs as written. The ```sh blocks marked `<!-- walkthrough -->` (the
 * quick start's, then those of "Examples") are run in order in one bash process, against a Labgate
 * started here on a fresh SQLite file and a free loopback port, and each command's output must be what
 * the `#` lines right under it show.
 *
 * How the README is read:
 * - A block is a walkthrough block when the line before its ```sh fence is `<!-- walkthrough -->`.
 * - A command is a line that is neither blank nor a `#` line, with the lines it continues with `\`.
 * - The `#` lines that follow a command with no blank line between are its output; other `#` lines
 *   (after a blank line, or at the top of a block) are remarks.
 * - Whitespace does not count (the README wraps long JSON). Three placeholders stand for what differs
 *   from run to run: `glpat-...` a token secret, `<32 hex>` the random part of a bot's username, and
 *   `...` anything else within one JSON string (dates).
 * - Every command must exit 0. A command shown without output may print anything.
 *
 * How it is run: the blocks address the server as `http://127.0.0.1:3000`, which is replaced by the port
 * the server got; `DATABASE_URL` points the server and the `npx labgate` commands at the same file; and
 * `npx labgate` is a shell function running this checkout's bin/labgate.js, which is what `npx labgate`
 * resolves to from the repository root, without npx's second or two per command.
 *
 * The README's quick start is SQLite, so PostgreSQL runs of the suite (DATABASE_URL=postgres://...) run
 * the walkthrough on a temporary SQLite file too; nothing here touches their database.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..');
const README = path.join(root, 'README.md');
const MARKER = '<!-- walkthrough -->';
const README_ORIGIN = 'http://127.0.0.1:3000';

interface Block {
  /** Line number in README.md (1-based) of the block's first line after the fence. */
  line: number;
  lines: string[];
}

interface Step {
  /** README.md line of the command's first line. */
  line: number;
  command: string;
  /** The `#` lines shown under it, without the `#`. */
  expected: string[];
}

/** The marked ```sh blocks, in README order; throws when a marker is not followed by one. */
function walkthroughBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  lines.forEach((text, i) => {
    if (text.trim() !== MARKER) return;
    if (lines[i + 1]?.trim() !== '```sh') throw new Error(`README.md:${i + 1}: ${MARKER} must be followed by a \`\`\`sh line`);
    const end = lines.findIndex((l, j) => j > i + 1 && l.trim() === '```');
    if (end < 0) throw new Error(`README.md:${i + 2}: the block never ends`);
    blocks.push({ line: i + 3, lines: lines.slice(i + 2, end) });
  });
  return blocks;
}

function stepsOf(block: Block): Step[] {
  const steps: Step[] = [];
  let current: Step | null = null; // the command whose output `#` lines would belong to
  let continued = false;
  block.lines.forEach((text, i) => {
    if (continued && current) {
      current.command += `\n${text}`;
      continued = text.endsWith('\\');
    } else if (text.trim() === '') {
      current = null;
    } else if (text.trimStart().startsWith('#')) {
      current?.expected.push(text.trimStart().replace(/^#\s?/, ''));
    } else {
      current = { line: block.line + i, command: text, expected: [] };
      steps.push(current);
      continued = text.endsWith('\\');
    }
  });
  return steps;
}

const squeeze = (text: string) => text.replace(/\s+/g, '');
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the expected lines accept, with whitespace removed and the placeholders as wildcards. */
function outputPattern(expected: string[]): RegExp {
  const parts = squeeze(expected.join('')).split(/(glpat-\.\.\.|<32hex>|\.\.\.)/);
  const source = parts
    .map((part, i) => {
      if (i % 2 === 0) return escapeRegExp(part);
      if (part === 'glpat-...') return 'glpat-[A-Za-z0-9_-]{20}';
      if (part === '<32hex>') return '[0-9a-f]{32}';
      return '[^"]*?';
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** A word for bash, single-quoted. */
const shellWord = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The environment without the settings a developer's shell may have, so every default applies. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(LABGATE_|DATABASE_URL$|PORT$|HOST$|REDIS_URL$|BASH_ENV$|ENV$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

function startServer(databaseUrl: string): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, [path.join(root, 'bin', 'labgate.js'), 'serve'], {
    cwd: root,
    env: cleanEnv({ DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', LABGATE_LOG_LEVEL: 'silent' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`labgate serve did not start within 90 s:\n${output}`)), 90_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const listening = /listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve({ child, origin: listening[1] });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`labgate serve exited (${code}):\n${output}`));
    });
  });
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(force);
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runBash(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const bash = spawn('bash', ['-c', script], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    bash.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    bash.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      stderr += `\n(killed after ${timeoutMs} ms)`;
      bash.kill('SIGKILL');
    }, timeoutMs);
    bash.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** What step `i` wrote to one stream: the text between its marker and the next one. */
function section(stream: string, i: number): string {
  const start = stream.indexOf(`@@step ${i}@@`);
  if (start < 0) return '';
  const end = stream.indexOf('@@', start + `@@step ${i}@@`.length);
  return stream.slice(start + `@@step ${i}@@`.length, end < 0 ? undefined : end).trim();
}

const readme = fs.readFileSync(README, 'utf8');
const blocks = walkthroughBlocks(readme);
const steps = blocks.flatMap(stepsOf);

describe('README walkthrough', () => {
  it('is marked: the quick start and every ```sh block of Examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('\n## ', readme.indexOf('## Quick start') + 1));
    expect(quickStart).toContain(MARKER);
    const examplesAt = readme.indexOf('\n## Examples');
    const examples = readme.slice(examplesAt, readme.indexOf('\n## ', examplesAt + 1));
    const fences = examples.split('\n').filter((l, i, all) => l.trim() === '```sh' && all[i - 1]?.trim() !== MARKER);
    expect(fences).toEqual([]); // an unmarked example would not be run, and could drift
    // Output is checked for most commands, not just their exit status.
    expect(steps.filter((s) => s.expected.length > 0).length).toBeGreaterThanOrEqual(15);
  });

  it('addresses the server only as http://127.0.0.1:3000, which the test can point elsewhere', () => {
    expect(steps.some((s) => s.command.includes(README_ORIGIN))).toBe(true);
    // Any other spelling (localhost:3000, another port) would reach whatever the developer runs there.
    const others = steps.map((s) => s.command.split(README_ORIGIN).join('')).filter((c) => /localhost|127\.0\.0\.1|\[::1\]|:3000\b/.test(c));
    expect(others).toEqual([]);
  });

  it('runs in order on a fresh database and prints what it shows', async () => {
    if (spawnSync('curl', ['--version']).status !== 0) throw new Error('the README uses curl: install it to run this test');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-readme-'));
    const databaseUrl = `sqlite:${path.join(dir, 'labgate.sqlite')}`;
    let server: ChildProcess | undefined;
    try {
      const started = await startServer(databaseUrl);
      server = started.child;
      const script = [
        `npx() { if [ "$1" = labgate ]; then shift; node ${shellWord(path.join(root, 'bin', 'labgate.js'))} "$@"; else command npx "$@"; fi; }`,
        ...steps.map((step, i) =>
          [
            `printf '\\n@@step ${i}@@\\n'; printf '\\n@@step ${i}@@\\n' >&2`,
            step.command.split(README_ORIGIN).join(started.origin),
            `printf '\\n@@status ${i} %d@@\\n' "$?"`,
          ].join('\n'),
        ),
      ].join('\n');
      const run = await runBash(script, cleanEnv({ DATABASE_URL: databaseUrl }), 90_000);

      const problems: string[] = [];
      for (const [i, step] of steps.entries()) {
        const where = `README.md:${step.line}: ${step.command.split('\n')[0]}`;
        const status = new RegExp(`@@status ${i} (\\d+)@@`).exec(run.stdout);
        const stdout = section(run.stdout, i);
        const stderr = section(run.stderr, i);
        if (!status) {
          problems.push(`${where}\n  did not finish (bash exited ${run.code})\n  stderr: ${run.stderr.slice(-2000)}`);
          break;
        }
        if (status[1] !== '0') {
          problems.push(`${where}\n  exited ${status[1]}\n  stdout: ${stdout}\n  stderr: ${stderr}`);
          break; // what follows depends on it
        }
        if (step.expected.length && !outputPattern(step.expected).test(squeeze(stdout))) {
          problems.push(`${where}\n  README shows: ${step.expected.join('\n                ')}\n  printed:      ${stdout}${stderr ? `\n  stderr: ${stderr}` : ''}`);
        }
      }
      expect(problems).toEqual([]);
    } finally {
      if (server) await stopServer(server);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
