import { randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The pre-receive hook every push runs, and the secret it authenticates with. Like GitLab's hooks
 * (which ask `/api/v4/internal/allowed` through Gitaly), it sends the ref updates to Labgate and lets
 * the push through only when Labgate says so; what Labgate answers is printed on the client's terminal
 * as `remote:` lines. The hook is written by the server into a directory of its own, for the Node
 * running the server, so nothing has to be installed.
 */
const HOOK_SOURCE = `'use strict';
const fs = require('fs');
const target = new URL(process.env.LABGATE_HOOK_URL);
const client = require(target.protocol === 'https:' ? 'https' : 'http');
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const body = JSON.stringify({
    gl_id: process.env.GL_ID,
    gl_repository: process.env.GL_REPOSITORY,
    protocol: process.env.GL_PROTOCOL,
    changes: Buffer.concat(chunks).toString('utf8'),
    env: { GIT_OBJECT_DIRECTORY: process.env.GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES: process.env.GIT_ALTERNATE_OBJECT_DIRECTORIES },
  });
  const fail = (message) => {
    process.stderr.write('GitLab: ' + message + '\\n');
    process.exit(1);
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
      if (response.statusCode === 200 && answer && answer.status === true) process.exit(0);
      fail((answer && answer.message) || 'Internal API unreachable');
    });
  });
  request.on('error', () => fail('Internal API unreachable'));
  request.end(body);
});
`;

/** Writes the hook into a new directory (given to Git as `core.hooksPath`); returns the directory. */
export function writeHooks(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-hooks-'));
  fs.writeFileSync(path.join(dir, 'pre-receive.js'), HOOK_SOURCE);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(path.join(dir, 'pre-receive'), `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(path.join(dir, 'pre-receive.js'))}\n`, { mode: 0o755 });
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
