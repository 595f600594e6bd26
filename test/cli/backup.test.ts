/**
 * Issue 9, `labgate backup --to FILE`: on SQLite a consistent copy through SQLite's online backup API,
 * taken while a server holds the database open (WAL mode, where copying the main file is not enough);
 * on PostgreSQL a refusal that says how to run pg_dump instead.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createApp, type App } from '../../src/app';
import { runCli } from '../../src/cli/main';
import { ManualClock } from '../../src/clock';
import { loadConfig } from '../../src/config';
import { createDataSource, migrate } from '../../src/db/data-source';
import { RequestContext } from '../../src/core/context';
import { User } from '../../src/modules/user/user.entity';
import { hashedPath } from '../../src/modules/repository/repository-storage';
import { useHarness } from '../helpers/harness';
import { usingPostgres } from '../helpers/database';

/** Runs `labgate` as a separate invocation would: its own configuration and its own connection. */
async function labgate(args: string[], databaseUrl: string) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) }, { ...process.env, DATABASE_URL: databaseUrl });
  return { code, out, err };
}

(usingPostgres() ? describe.skip : describe)('labgate backup on SQLite, while a server holds the database', () => {
  let dir: string;
  let file: string;
  let url: string;
  let app: App;
  let system: RequestContext;

  const createUser = (username: string) => app.services.users.create(system, { username, name: username, email: `${username}@example.com` });
  /** Usernames in a copy, read with a plain better-sqlite3 connection. */
  const usernamesIn = (copy: string) => {
    const db = new Database(copy, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT username FROM users ORDER BY username').all() as Array<{ username: string }>).map((r) => r.username);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-backup-'));
    file = path.join(dir, 'live.sqlite');
    url = `sqlite:${file}`;
    app = await createApp(loadConfig({}, { databaseUrl: url, externalUrl: 'http://example.com' }), { clock: new ManualClock('2026-01-15T12:00:00.000Z') });
    system = new RequestContext(app, null, { system: true });
    await createUser('alice');
    await createUser('bob');
  });

  afterAll(async () => {
    await app?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('copies what a plain copy of the main file misses, and the copy opens with its data', async () => {
    // The writes are still in the write-ahead log: a copy of the main file alone does not have them.
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
    const plain = path.join(dir, 'plain-copy.sqlite');
    fs.copyFileSync(file, plain);
    expect(() => usernamesIn(plain)).toThrow(/no such table: users/);

    const copy = path.join(dir, 'backup.sqlite');
    const res = await labgate(['backup', '--to', copy], url);
    expect(res).toMatchObject({ code: 0, err: '' });
    const size = fs.statSync(copy).size;
    expect(res.out).toBe(`Backed up ${file} to ${copy} (${(size / 1024).toFixed(1)} KiB, ${size} bytes)\n`);
    expect(usernamesIn(copy)).toEqual(expect.arrayContaining(['alice', 'bob']));
    expect(fs.readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([]);

    // A fresh data source on the copy: the schema is current and the rows are there.
    const restored = createDataSource(`sqlite:${copy}`);
    await restored.initialize();
    try {
      expect(await migrate(restored)).toEqual([]);
      expect(await restored.getRepository(User).findOneBy({ username: 'alice' })).toMatchObject({ email: 'alice@example.com' });
    } finally {
      await restored.destroy();
    }
    // The server was not disturbed.
    await createUser('carol');
  });

  it('refuses to replace an existing file unless --force, then copies the newer data', async () => {
    const copy = path.join(dir, 'again.sqlite');
    expect((await labgate(['backup', '--to', copy, '--json'], url)).code).toBe(0);
    const before = fs.readFileSync(copy);
    await createUser('dave');

    const refused = await labgate(['backup', '--to', copy], url);
    expect(refused).toMatchObject({ code: 1, out: '', err: `labgate: ${copy} already exists; give --force to replace it\n` });
    expect(fs.readFileSync(copy).equals(before)).toBe(true);

    const forced = await labgate(['backup', '--to', copy, '--force', '--json'], url);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.out)).toEqual({ from: file, to: copy, bytes: fs.statSync(copy).size });
    expect(usernamesIn(copy)).toContain('dave');
  });

  it('is consistent while another process writes: its committed rows in, its open transaction out', async () => {
    // Another process, as a second server would be: it commits one change, then holds a write
    // transaction open while the backup runs.
    const script = `
      const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
      const db = new Database(process.argv[1]);
      db.pragma('busy_timeout = 5000');
      db.prepare("UPDATE users SET name = 'committed by the other process' WHERE username = 'bob'").run();
      db.exec('BEGIN IMMEDIATE');
      db.prepare("UPDATE users SET name = 'not committed' WHERE username = 'alice'").run();
      process.stdout.write('ready\\n');
      process.stdin.on('end', () => { db.exec('ROLLBACK'); db.close(); });
      process.stdin.resume();`;
    const child = spawn(process.execPath, ['-e', script, file], { stdio: ['pipe', 'pipe', 'inherit'] });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
        child.on('exit', (code) => reject(new Error(`writer exited with ${code}`)));
      });
      const copy = path.join(dir, 'during-write.sqlite');
      const res = await labgate(['backup', '--to', copy], url);
      expect(res).toMatchObject({ code: 0, err: '' });
      const db = new Database(copy, { readonly: true });
      try {
        const names = db.prepare(`SELECT username, name FROM users WHERE username IN ('alice', 'bob') ORDER BY username`).all();
        expect(names).toEqual([
          { username: 'alice', name: 'alice' },
          { username: 'bob', name: 'committed by the other process' },
        ]);
        expect(db.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
      } finally {
        db.close();
      }
    } finally {
      child.stdin.end();
      await exited;
    }
  });

  it('copies the Git repositories beside the database, each a valid bare repository at its hashed path (issue 21)', async () => {
    const project = await app.services.projects.create(system, { path: 'site', namespace: 'alice', visibility: 'private' });
    const copy = path.join(dir, 'with-repositories.sqlite');
    const res = await labgate(['backup', '--to', copy, '--json'], url);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out).repositories).toEqual({ to: `${copy}.repositories`, count: 1 });
    const copied = path.join(`${copy}.repositories`, hashedPath(project.id));
    expect(execFileSync('git', ['--git-dir', copied, 'rev-parse', '--is-bare-repository']).toString()).toBe('true\n');
    expect(execFileSync('git', ['--git-dir', copied, 'symbolic-ref', 'HEAD']).toString()).toBe('refs/heads/main\n');
  });

  it('names what is wrong with the target or the database', async () => {
    expect(await labgate(['backup'], url)).toMatchObject({ code: 2, err: 'labgate: --to is required\n' });
    expect(await labgate(['backup', '--to', file], url)).toMatchObject({ code: 1, err: `labgate: --to ${file} is the database itself\n` });
    const nowhere = path.join(dir, 'missing-dir', 'x.sqlite');
    expect(await labgate(['backup', '--to', nowhere], url)).toMatchObject({ code: 1, err: `labgate: directory ${path.dirname(nowhere)} does not exist\n` });
    const absent = path.join(dir, 'absent.sqlite');
    expect(await labgate(['backup', '--to', path.join(dir, 'y.sqlite')], `sqlite:${absent}`)).toMatchObject({ code: 1, err: `labgate: no database at ${absent}\n` });
    expect(fs.existsSync(absent)).toBe(false);
  });
});

describe('labgate backup against the test database', () => {
  const h = useHarness();

  (usingPostgres() ? it : it.skip)('on PostgreSQL says to use pg_dump, with the database of DATABASE_URL', async () => {
    const target = path.join(os.tmpdir(), `labgate-${process.pid}.dump`);
    const res = await h.cli(['backup', '--to', target]);
    const url = new URL(h.db.url);
    expect(res).toMatchObject({ code: 1, out: '' });
    expect(res.err).toBe(
      `labgate: backup copies SQLite databases only; on PostgreSQL use pg_dump, for example: ` +
        `pg_dump --format=custom --file=${target} --host=${url.hostname} --port=${url.port} --username=${url.username} ${url.pathname.slice(1)}\n`,
    );
    expect(fs.existsSync(target)).toBe(false);
  });

  (usingPostgres() ? it.skip : it)('an in-memory database has nothing to back up', async () => {
    const res = await h.cli(['backup', '--to', path.join(os.tmpdir(), `labgate-${process.pid}.sqlite`)]);
    expect(res).toMatchObject({ code: 1, out: '' });
    expect(res.err).toMatch(/^labgate: the database is in memory/);
  });
});
