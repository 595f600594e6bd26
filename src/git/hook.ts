import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The hooks every push runs, and the secret they authenticate with. Like GitLab's hooks (which ask
 * `/api/v4/internal/allowed` through Gitaly), the pre-receive hook sends the ref updates to Labgate and lets the push through only when Labgate says so; what Labgate answers is
 * printed on the client's terminal as `remote:` lines. Once the refs are updated, the post-receive
 * hook reports them to `/api/v4/internal/post_receive` (GitLab's `PostReceive`), which records the
 * push events: a push the pre-receive hook refused never gets there. One script serves both hooks
 * (its first argument names the hook); it is written by the server into a directory of its own, for
 * the Node running the server, so nothing has to be installed.
 */
const HOOK_SOURCE = `'use strict';
const fs = require('fs');
const hook = process.argv[2];
const target = new URL(process.env.LABGATE_HOOK_URL);
if (hook === 'post-receive') target.pathname = target.pathname.replace(/\\/allowed$/, '/post_receive');
const client = require(target.protocol === 'https:' ? 'https' : 'http');
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const changes = Buffer.concat(chunks).toString('utf8');
  const body = JSON.stringify(hook === 'post-receive'
    ? { gl_repository: process.env.GL_REPOSITORY, identifier: process.env.GL_ID, changes }
    : {
        gl_id: process.env.GL_ID,
        gl_repository: process.env.GL_REPOSITORY,
        protocol: process.env.GL_PROTOCOL,
        changes,
        env: { GIT_OBJECT_DIRECTORY: process.env.GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES: process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES },
      });
  const fail = (message) => {
    process.stderr.write('GitLab: ' + message + '\\n');
    // The refs are updated already when post-receive runs: its failure changes nothing for the client.
    process.exit(hook === 'post-receive' ? 0 : 1);
  };
  const secret = fs.readFileSync(process.env.LABGATE_HOOK_SECRET_FILE, 'utf8').trim();
  // The server the push came through, at the address the client reached: its own certificate is not checked.
  const request = client.request(target, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'gitlab-shared-secret': secret },
    rejectUnauthorized: false,
  }, (response) => {
    let text = '';
    response.setEncoding('utf8');
    response.on('data', (data) => (text += data));
    response.on('end', () => {
      let answer = null;
      try { answer = JSON.parse(text); } catch (error) { answer = null; }
      if (hook === 'post-receive') {
        if (response.statusCode !== 200) fail((answer && answer.message) || 'Internal API unreachable');
        for (const line of (answer && answer.messages) || []) process.stderr.write(String(line.message) + '\\n');
        process.exit(0);
      }
      if (response.statusCode === 200 && answer && answer.status === true) process.exit(0);
      fail((answer && answer.message) || 'Internal API unreachable');
    });
  });
  request.on('error', () => fail('Internal API unreachable'));
  request.end(body);
});
`;

/** Writes the hooks into a new directory (given to Git as `core.hooksPath`); returns the directory. */
export function writeHooks(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-hooks-'));
  const script = path.join(dir, 'hook.js');
  fs.writeFileSync(script, HOOK_SOURCE);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  for (const hook of ['pre-receive', 'post-receive']) {
    fs.writeFileSync(path.join(dir, hook), `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(script)} ${hook}\n`, { mode: 0o755 });
  }
  return dir;
}

/** GitLab's `.gitlab_shell_secret`: one per storage directory, so that every process sharing it agrees. */
export function hookSecretFile(repositoriesRoot: string): string {
  fs.mkdirSync(repositoriesRoot, { recursive: true });
  const file = path.join(repositoriesRoot, '.labgate_shell_secret');
  if (!fs.existsSync(file)) {
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(temporary, randomBytes(32).toString('hex'), { mode: 0o600 });
    try {
      // A link fails when another process wrote the secret first: theirs is kept.
      fs.linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  }
  return file;
}

/** Compares a secret a caller sent with the stored one, in constant time. */
export function secretMatches(given: unknown, secretFile: string): boolean {
  if (typeof given !== 'string' || given === '') return false;
  const expected = Buffer.from(fs.readFileSync(secretFile, 'utf8').trim());
  const actual = Buffer.from(given.trim());
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
