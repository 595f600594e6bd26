import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Issue 18: with `--workers N` and no Redis, each worker counted failures apart, so an address had
 * N x 30 tries before a ban. The supervisor now keeps the counters for its workers: the ban comes
 * after the configured number of failures, whichever workers saw them. SQLite, real sockets.
 */
describe('failed-authentication ban across the workers of one server (no Redis)', () => {
  it('bans after the configured failures, counted together by both workers', async () => {
    const file = path.join(os.tmpdir(), `labgate-throttle-workers-${process.pid}.sqlite`);
    const child = spawn(process.execPath, ['-r', path.join(__dirname, '../helpers/ts-register.js'), path.join(__dirname, '../../src/main.ts')], {
      env: { ...process.env, DATABASE_URL: `sqlite:${file}`, PORT: '0', LABGATE_WORKERS: '2', LABGATE_LOG_LEVEL: 'silent', LABGATE_AUTH_FAILURES_MAX: '6', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const port = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`workers did not start: ${out}`)), 170_000);
        // The "listening" lines go to standard error (standard output holds only the JSON log).
        child.stderr.on('data', () => {
          const found = [...out.matchAll(/worker \d+ listening on http:\/\/[^:]+:(\d+)/g)].map((m) => m[1]);
          if (found.length === 2) {
            clearTimeout(timer);
            resolve(found[0]);
          }
        });
      });
      // A fresh connection per request: the supervisor hands connections to the workers in turn.
      const send = async () =>
        (
          await fetch(`http://127.0.0.1:${port}/api/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: 'Bearer glpat-wrongwrongwrongwrong0', connection: 'close' },
            body: '{"query":"{ __typename }"}',
          })
        ).status;
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push(await send());
      // Counted apart, each worker would have seen 3 of the 6 and the next requests would still get 401.
      for (let i = 0; i < 4; i++) statuses.push(await send());
      expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 403, 403, 403, 403]);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // The wait is cleared once the server has stopped: a pending 20 s timer would keep this Jest
      // worker alive after its last file (Jest then forces it out, "failed to exit gracefully").
      let wait: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((resolve) => (wait = setTimeout(resolve, 20_000)))]);
      clearTimeout(wait);
      child.kill('SIGKILL');
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
    }
  }, 240_000);
});
