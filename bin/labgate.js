#!/usr/bin/env node
'use strict';
// The `labgate` command. It runs the compiled code in dist/, building it first when it is missing or
// older than the sources (a fresh checkout, a `git pull`), so that `npm start` needs no build step
// of its own and starts at once on an existing build.
const path = require('node:path');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

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

buildIfStale();
// graphql-js checks, in any other mode, on every value of every request, that its classes come from a
// single copy of the library: a development aid that costs a quarter of the time of a large answer.
process.env.NODE_ENV = process.env.NODE_ENV || 'production';
const { runCli } = require(entry);
runCli(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exitCode = code;
});
