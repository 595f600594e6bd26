import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Config } from '../config';
import { repositoriesRoot } from '../modules/repository/repository-storage';
import type { Flags } from './args';
import type { CliIo } from './io';

/** A backup that cannot be taken as asked (exit code 1, the reason on stderr). */
export class BackupRefused extends Error {}

export interface BackupResult {
  from: string;
  to: string;
  bytes: number;
  /** Where the Git repositories were copied (`<to>.repositories`), and how many; absent when there are none. */
  repositories?: { to: string; count: number };
}

/** `labgate backup --to FILE [--force] [--json]` */
export async function runBackup(config: Config, flags: Flags, io: CliIo): Promise<number> {
  const to = flags.required('to');
  const force = flags.switch('force');
  const json = flags.switch('json');
  flags.done();
  const result = await backupDatabase(config.databaseUrl, to, { force });
  const root = repositoriesRoot(config);
  const repositories = root && fs.existsSync(root) ? backupRepositories(root, `${result.to}.repositories`, { force }) : null;
  if (repositories) result.repositories = repositories;
  io.out(json ? JSON.stringify(result, null, 2) : `Backed up ${result.from} to ${result.to} (${formatBytes(result.bytes)})`);
  if (!json && result.repositories) io.out(`Backed up ${result.repositories.count} Git repositories to ${result.repositories.to}`);
  return 0;
}

/**
 * Copies a SQLite database with SQLite's online backup API. The server may be running in another
 * process: in WAL mode recent writes live in the `-wal` file until a checkpoint, so copying the main
 * file alone can miss them, while the backup API reads the database as one consistent snapshot.
 * The copy is written beside the target under a temporary name and renamed into place, so a failed
 * or interrupted backup never leaves a half-written file under the target's name.
 */
export async function backupDatabase(databaseUrl: string, to: string, options: { force?: boolean } = {}): Promise<BackupResult> {
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) throw new BackupRefused(pgDumpAdvice(databaseUrl, to));
  if (!databaseUrl.startsWith('sqlite:')) throw new BackupRefused(`cannot back up DATABASE_URL "${databaseUrl}"`);
  const file = databaseUrl.slice('sqlite:'.length);
  if (file === ':memory:' || file === '') throw new BackupRefused('the database is in memory (DATABASE_URL sqlite::memory:); there is nothing to back up');
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new BackupRefused(`no database at ${source}`);
  const target = path.resolve(to);
  if (target === source) throw new BackupRefused(`--to ${to} is the database itself`);
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) throw new BackupRefused(`directory ${dir} does not exist`);
  if (fs.existsSync(target) && !options.force) throw new BackupRefused(`${target} already exists; give --force to replace it`);

  const temporary = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.partial`);
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    // Copy every page in one step after the first: a step spread over many pages while another process
    // writes would restart the copy each time.
    await db.backup(temporary, { progress: () => 0x7fffffff });
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw error;
  } finally {
    db.close();
  }
  return { from: source, to: target, bytes: fs.statSync(target).size };
}

/** What to run instead on PostgreSQL, with the connection taken from DATABASE_URL (never its password). */
function pgDumpAdvice(databaseUrl: string, to: string): string {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'postgres';
  const args = ['pg_dump', '--format=custom', `--file=${shellWord(to)}`];
  if (url.hostname) args.push(`--host=${shellWord(url.hostname)}`);
  if (url.port) args.push(`--port=${url.port}`);
  if (url.username) args.push(`--username=${shellWord(decodeURIComponent(url.username))}`);
  args.push(shellWord(database));
  return `backup copies SQLite databases only; on PostgreSQL use pg_dump, for example: ${args.join(' ')}`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}, ${bytes} bytes`;
}

/**
 * Copies every bare repository under `root` to `to` (same layout; null when there is none) while the server may be serving
 * pushes: each repository's refs are copied before its objects, so every ref copied names objects that
 * already existed and are copied after it (Git writes objects before the refs that name them, and
 * Labgate never prunes them).
 */
export function backupRepositories(root: string, to: string, options: { force?: boolean } = {}): { to: string; count: number } | null {
  const target = path.resolve(to);
  const temporary = `${target}.${process.pid}.partial`;
  let count = 0;
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const sub = path.join(relative, entry.name);
      if (!entry.name.endsWith('.git')) {
        walk(sub);
        continue;
      }
      const from = path.join(root, sub);
      const into = path.join(temporary, sub);
      fs.mkdirSync(into, { recursive: true });
      for (const part of ['HEAD', 'config', 'packed-refs', 'refs', 'objects']) {
        if (fs.existsSync(path.join(from, part))) fs.cpSync(path.join(from, part), path.join(into, part), { recursive: true });
      }
      count += 1;
    }
  };
  try {
    walk('');
    if (count === 0) {
      fs.rmSync(temporary, { recursive: true, force: true });
      return null;
    }
    if (fs.existsSync(target)) {
      if (!options.force) throw new BackupRefused(`${target} already exists; give --force to replace it`);
      fs.rmSync(target, { recursive: true, force: true });
    }
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
  return { to: target, count };
}
