#!/usr/bin/env node
'use strict';
// The `labgate` command. It runs the compiled code in dist/, building it first when it is missing or
// older than the sources (a fresh checkout, a `git pull`), so that `npm start` needs no build step
// of its own and starts at once on an existing build.
const path = require('node:path');
const fs = require('node:fs');
const { spawn, spawnSync } = require('node:child_process');

// Node 22.1 and later keep the compiled code of every module on disk and reuse it on the next start,
// which saves a good part of the time spent loading modules. Node 20 lacks it (and the older
// v8-compile-cache package breaks on a dependency's .mjs file there), so it simply starts without.
require('node:module').enableCompileCache?.();

const root = path.join(__dirname, '..');
const entry = path.join(root, 'dist', 'src', 'cli', 'main.js');
// Written after a build started from here: an incremental build may leave main.js untouched.
const stamp = path.join(root, 'dist', '.labgate-built');

/** Modification time of the newest file under `dir`, 0 when there is none. */
function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const file = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(file));
    else if (e.isFile()) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function buildIfStale() {
  const built = Math.max(mtime(entry), mtime(stamp));
  const sources = newestMtime(path.join(root, 'src'));
  if (built > 0 && sources <= built) return;
  // Build output goes to stderr: stdout belongs to the command (`labgate schema > schema.graphql`).
  process.stderr.write(built ? 'labgate: sources changed since the last build; building...\n' : 'labgate: not built yet; building...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 2, 2], shell: process.platform === 'win32' });
  if (result.status !== 0 || !fs.existsSync(entry)) {
    const reason = result.error ? ` (${result.error.message})` : '';
    process.stderr.write(`labgate: the build failed${reason}; see the errors above, or run \`npm run build\` in ${root}\n`);
    process.exit(1);
  }
  fs.writeFileSync(stamp, `${new Date().toISOString()}\n`);
}

// The server's child (see serveWithTunedHeap) and its workers start after this check was made.
if (process.env.LABGATE_SUPERVISED !== '1') buildIfStale();
// graphql-js checks, in any other mode, on every value of every request, that its classes come from a
// single copy of the library: a development aid that costs a quarter of the time of a large answer.
process.env.NODE_ENV = process.env.NODE_ENV || 'production';

/**
 * The young generation `labgate serve` runs with, in MiB per semi-space (`LABGATE_SEMI_SPACE_MB`, 0 for
 * Node's default). A request allocates many short-lived objects (rows, promises, the answer); with
 * Node's default of 16 MiB, V8 spends a fifth of a large request collecting them and promotes some it
 * then collects again, while 32 MiB cuts a large request's CPU by a quarter (bench/RESULTS.md).
 */
function semiSpaceMiB() {
  const raw = process.env.LABGATE_SEMI_SPACE_MB;
  if (raw === undefined || raw.trim() === '') return 32;
  const mb = Number(raw);
  if (!Number.isInteger(mb) || mb < 0 || mb > 1024) {
    process.stderr.write(`labgate: LABGATE_SEMI_SPACE_MB must be a whole number of MiB from 0 to 1024, not ${JSON.stringify(raw)}\n`);
    process.exit(1);
  }
  return mb;
}

/**
 * V8 sizes its heap when the process starts, so a server started without the flag runs itself again
 * with it, as a child that inherits the terminal, the environment and the signals sent here. The
 * child sees this process through an IPC channel and stops, as on SIGTERM, if this process dies.
 * A flag the user gave (on the command line or in NODE_OPTIONS) is left as it is.
 */
function serveWithTunedHeap(args) {
  const mb = semiSpaceMiB();
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((flag) => /--max[-_]semi[-_]space[-_]size/.test(flag));
  // Under a debugger the server stays in the process being debugged.
  const inspected = process.execArgv.some((flag) => flag.startsWith('--inspect'));
  if (mb === 0 || given || inspected) return false;
  const child = spawn(process.execPath, [...process.execArgv, `--max-semi-space-size=${mb}`, __filename, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, LABGATE_SUPERVISED: '1' },
  });
  const forward = (signal) => () => child.kill(signal);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));
  child.on('error', (error) => {
    process.stderr.write(`labgate: could not start the server: ${error.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (require('node:os').constants.signals[signal] ?? 0) : 1)));
  return true;
}

const args = process.argv.slice(2);
if (!(args[0] === 'serve' && serveWithTunedHeap(args))) {
  const { runCli } = require(entry);
  runCli(args).then((code) => {
    if (code >= 0) process.exitCode = code;
  });
}
