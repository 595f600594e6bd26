/**
 * Issues 9 and 20: the README's shell examples run as written. Every ```sh block of README.md is run,
 * in README order, in one bash process, against a Labgate started here on a fresh SQLite file and a
 * free loopback port, and each command's output must be what the `#` lines right under it show.
 *
 * A comment on the line right before a block's ```sh fence changes that, and nothing else does:
 * - `<!-- not run: REASON -->`: the block is shown, not run (it installs, runs the suite, starts a
 *   server of its own...). The reason is required, and the test lists these blocks.
 * - `<!-- needs: NAME [NAME...] -->`: the block runs only where the harness can provide each named
 *   requirement (see REQUIREMENTS below: `python-gitlab`, `git`, `registry`, `postgres`); elsewhere it
 *   is skipped, saying why. A name the harness does not know fails the test: add it to REQUIREMENTS,
 *   with how to tell whether it is there and what the block needs set up, when adding such a block.
 * - `<!-- walkthrough -->` (the earlier marker) changes nothing: the block runs.
 *
 * How a block is read:
 * - A command is a line that is neither blank nor a `#` line, with the lines it continues with `\` or
 *   inside a single-quoted string.
 * - The `#` lines that follow a command with no blank line between are its output; other `#` lines
 *   (after a blank line, or at the top of a block) are remarks.
 * - Whitespace does not count (the README wraps long JSON). Placeholders stand for what differs from
 *   run to run or is left out: `glpat-...` a token secret, `<32 hex>` the random part of a bot's
 *   username, `...` right after a `"` anything within that JSON string (dates), and `...` elsewhere
 *   anything at all (the rest of a long answer).
 * - Every command must exit 0. A command shown without output may print anything.
 *
 * How it is run: the blocks address the server as `http://127.0.0.1:3000`, which is replaced by the port
 * the server got (and `http://localhost:3000` in the outputs shown, the default LABGATE_URL, likewise); `DATABASE_URL` points the server and the `npx labgate` commands at the same file; and
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
const README_ORIGIN = 'http://127.0.0.1:3000';
const README_HOST = '127.0.0.1:3000';
const README_EXTERNAL_URL = 'http://localhost:3000';

/**
 * What a `<!-- needs: NAME -->` block may need. `available` says why it is missing (undefined: it is
 * there); `setup` is bash run before the first block that needs it (functions, files), with `$ORIGIN`
 * set to the server's origin. Git, the registry and PostgreSQL are named so that their blocks can be
 * marked now; whoever writes such a block gives its requirement a real check and setup here.
 */
interface Requirement {
  available(): string | undefined;
  setup?: string;
}
const hasCommand = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const pythonGitlab = ['python-gitlab', 'gitlab'].find(hasCommand);
const REQUIREMENTS: Record<string, Requirement> = {
  // Debian's gitlab-cli installs the command as python-gitlab, pip as gitlab; the README's
  // ~/.python-gitlab.cfg is written to a temporary file pointing at this server.
  'python-gitlab': {
    available: () => (pythonGitlab ? undefined : 'python-gitlab is not installed (Debian: apt install gitlab-cli)'),
    setup: [
      'PYTHON_GITLAB_CFG=$(mktemp)',
      `printf '[global]\\ndefault = labgate\\n\\n[labgate]\\nurl = %s\\nprivate_token = %s\\napi_version = 4\\n' "$ORIGIN" "$TOKEN" > "$PYTHON_GITLAB_CFG"`,
      `gitlab() { command ${pythonGitlab ?? 'gitlab'} -c "$PYTHON_GITLAB_CFG" "$@"; }`,
    ].join('\n'),
  },
  git: { available: () => 'not provided by this harness yet (Git over HTTP: give it a check and a setup here)' },
  registry: { available: () => 'not provided by this harness yet (the registry: give it a check and a setup here)' },
  postgres: { available: () => 'not provided by this harness yet (a PostgreSQL server: give it a check and a setup here)' },
};

interface Block {
  /** Line number in README.md (1-based) of the block's first line after the fence. */
  line: number;
  lines: string[];
  /** Why the block is not run (`<!-- not run: ... -->`). */
  notRun?: string;
  /** What it needs (`<!-- needs: ... -->`). */
  needs: string[];
}

interface Step {
  /** README.md line of the command's first line. */
  line: number;
  command: string;
  /** The `#` lines shown under it, without the `#`. */
  expected: string[];
  needs: string[];
}

/** Every ```sh block of the README, in order, with the marker before its fence read. */
function shellBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  lines.forEach((text, i) => {
    if (text.trim() !== '```sh') return;
    const end = lines.findIndex((l, j) => j > i && l.trim() === '```');
    if (end < 0) throw new Error(`README.md:${i + 1}: the block never ends`);
    const marker = lines[i - 1]?.trim() ?? '';
    const notRun = /^<!--\s*not run:\s*(.*?)\s*-->$/.exec(marker);
    const needs = /^<!--\s*needs:\s*(.*?)\s*-->$/.exec(marker);
    if (notRun && !notRun[1]) throw new Error(`README.md:${i}: "not run" needs a reason`);
    blocks.push({ line: i + 2, lines: lines.slice(i + 1, end), notRun: notRun?.[1], needs: needs ? needs[1].split(/[\s,]+/).filter(Boolean) : [] });
  });
  return blocks;
}

/** Whether a command ends inside a single-quoted string (a JSON body spread over several lines). */
const insideQuotes = (command: string) => (command.match(/'/g)?.length ?? 0) % 2 === 1;

function stepsOf(block: Block): Step[] {
  const steps: Step[] = [];
  let current: Step | null = null; // the command whose output `#` lines would belong to
  let continued = false;
  block.lines.forEach((text, i) => {
    if (continued && current) {
      current.command += `\n${text}`;
      continued = text.endsWith('\\') || insideQuotes(current.command);
    } else if (text.trim() === '') {
      current = null;
    } else if (text.trimStart().startsWith('#')) {
      current?.expected.push(text.trimStart().replace(/^#\s?/, ''));
    } else {
      current = { line: block.line + i, command: text, expected: [], needs: block.needs };
      steps.push(current);
      continued = text.endsWith('\\') || insideQuotes(text);
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
      return parts[i - 1].endsWith('"') ? '[^"]*?' : '.*?';
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
    const timer = setTimeout(() => reject(new Error(`labgate serve did not start within 150 s:\n${output}`)), 150_000);
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

/** Runs the blocks in `cwd`, a directory of the test's own, so that files they write stay out of the checkout. */
function runBash(script: string, env: NodeJS.ProcessEnv, timeoutMs: number, cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const bash = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
const blocks = shellBlocks(readme);
/** Why a block is skipped here: its `not run` reason, or a requirement that is missing. */
function skipReason(block: Block): string | undefined {
  if (block.notRun) return `not run: ${block.notRun}`;
  for (const name of block.needs) {
    const missing = REQUIREMENTS[name]?.available();
    if (missing) return `needs ${name}: ${missing}`;
  }
  return undefined;
}
const runnable = blocks.filter((block) => skipReason(block) === undefined);
const steps = runnable.flatMap(stepsOf);

describe('README shell examples', () => {
  it('are all run, except those whose marker says why not', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(15);
    const unknown = blocks.flatMap((b) => b.needs.filter((name) => !(name in REQUIREMENTS)).map((name) => `README.md:${b.line}: needs ${name}`));
    expect(unknown).toEqual([]); // a requirement the harness cannot check: add it to REQUIREMENTS
    // The quick start's block is run; the blocks that are not are few, and each says why.
    const lineOf = (heading: string) => readme.slice(0, readme.indexOf(heading)).split('\n').length;
    expect(runnable.some((b) => b.line > lineOf('\n## Quick start') && b.line < lineOf('\n## Configuration'))).toBe(true);
    const notRun = blocks.filter((b) => b.notRun);
    expect(notRun.length).toBeLessThanOrEqual(8);
    for (const block of blocks) {
      const why = skipReason(block);
      if (why) console.log(`README.md:${block.line}: skipped (${why})`); // eslint-disable-line no-console
    }
    // Output is checked for most commands, not just their exit status.
    expect(steps.filter((s) => s.expected.length > 0).length).toBeGreaterThanOrEqual(25);
  });

  it('address the server only as http://127.0.0.1:3000, which the test can point elsewhere', () => {
    expect(steps.some((s) => s.command.includes(README_ORIGIN))).toBe(true);
    // Any other spelling (localhost:3000, another port) would reach whatever the developer runs there.
    const others = steps.map((s) => s.command.split(README_ORIGIN).join('').split(`@${README_HOST}`).join('')).filter((c) => /localhost|127\.0\.0\.1|\[::1\]|:3000\b/.test(c));
    expect(others).toEqual([]);
  });

  it('run in order on a fresh database and print what they show', async () => {
    if (spawnSync('curl', ['--version']).status !== 0) throw new Error('the README uses curl: install it to run this test');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-readme-'));
    const databaseUrl = `sqlite:${path.join(dir, 'labgate.sqlite')}`;
    let server: ChildProcess | undefined;
    try {
      const started = await startServer(databaseUrl);
      server = started.child;
      const externalUrl = started.origin.replace('127.0.0.1', 'localhost');
      const set = new Set<string>();
      const script = [
        `npx() { if [ "$1" = labgate ]; then shift; node ${shellWord(path.join(root, 'bin', 'labgate.js'))} "$@"; else command npx "$@"; fi; }`,
        `ORIGIN=${shellWord(started.origin)}`,
        ...steps.map((step, i) => {
          const setups = step.needs.filter((name) => !set.has(name) && set.add(name)).map((name) => REQUIREMENTS[name].setup ?? '');
          return [
            ...setups,
            `printf '\\n@@step ${i}@@\\n'; printf '\\n@@step ${i}@@\\n' >&2`,
            // `http://127.0.0.1:3000`, and the same host and port after credentials (`http://oauth2:$TOKEN@127.0.0.1:3000`).
            step.command.split(README_ORIGIN).join(started.origin).split(`@${README_HOST}`).join(`@${new URL(started.origin).host}`),
            `printf '\\n@@status ${i} %d@@\\n' "$?"`,
          ].join('\n');
        }),
      ].join('\n');
      const run = await runBash(script, cleanEnv({ DATABASE_URL: databaseUrl }), 300_000, dir);

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
        const expected = step.expected.map((line) => line.split(README_EXTERNAL_URL).join(externalUrl));
        if (expected.length && !outputPattern(expected).test(squeeze(stdout))) {
          problems.push(`${where}\n  README shows: ${step.expected.join('\n                ')}\n  printed:      ${stdout}${stderr ? `\n  stderr: ${stderr}` : ''}`);
        }
      }
      expect(problems).toEqual([]);
    } finally {
      if (server) await stopServer(server);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 480_000);
});
