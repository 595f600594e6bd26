/**
 * Issue 9: a SQLite path whose directory does not exist is an error, not a new empty database; only
 * the default path (data/labgate.sqlite) gets its directory created, so a fresh checkout starts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/main';
import { DEFAULT_SQLITE_PATH } from '../../src/config';
import { createDataSource } from '../../src/db/data-source';

async function labgate(args: string[], env: NodeJS.ProcessEnv) {
  let out = '';
  let err = '';
  const code = await runCli(args, { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`) }, env);
  return { code, out, err };
}

describe('the SQLite database path', () => {
  let dir: string;
  const cwd = process.cwd();

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-path-'));
  });
  afterEach(() => {
    process.chdir(cwd);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a path whose directory does not exist, and creates nothing', async () => {
    const missing = path.join(dir, 'nonexistent', 'dir');
    const url = `sqlite:${path.join(missing, 'x.sqlite')}`;
    expect(() => createDataSource(url)).toThrow(`DATABASE_URL ${url}: directory ${missing} does not exist`);
    const res = await labgate(['migrate'], { DATABASE_URL: url });
    expect(res).toMatchObject({ code: 1, out: '', err: `labgate: DATABASE_URL ${url}: directory ${missing} does not exist\n` });
    expect(await labgate(['users', 'create', '--username', 'x'], { DATABASE_URL: url })).toMatchObject({ code: 1 });
    expect(fs.existsSync(path.join(dir, 'nonexistent'))).toBe(false);
  });

  it('names the directory of a relative path as resolved', async () => {
    process.chdir(dir);
    expect(() => createDataSource('sqlite:db/x.sqlite')).toThrow(`DATABASE_URL sqlite:db/x.sqlite: directory ${path.join(fs.realpathSync(dir), 'db')} does not exist`);
  });

  it('creates the directory of the default path, so a fresh checkout starts', async () => {
    process.chdir(dir);
    expect(fs.existsSync('data')).toBe(false);
    const res = await labgate(['migrate', '--json'], {});
    expect(res).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(res.out).applied.length).toBeGreaterThan(0);
    expect(fs.existsSync(DEFAULT_SQLITE_PATH)).toBe(true);
  });

  it('opens a database in an existing directory', async () => {
    const res = await labgate(['migrate'], { DATABASE_URL: `sqlite:${path.join(dir, 'here.sqlite')}` });
    expect(res).toMatchObject({ code: 0, err: '' });
    expect(res.out).toMatch(/^Applied: /);
  });
});
