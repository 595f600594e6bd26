import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { sqliteDatabase } from '../../src/db/adapters/driver-connections';

/**
 * A database of the test's own. With `DATABASE_URL=postgres://...` a fresh PostgreSQL database is
 * created on that server (and dropped afterwards), already migrated: it is copied from a template
 * database (`labgate_template_<hash of the migrations>`) that the first test file to need it builds
 * once, so a test file pays for a copy rather than for running every migration again. Otherwise an
 * in-memory SQLite database (migrating one takes a few milliseconds, so SQLite needs no template).
 *
 * The template is rebuilt under a new name whenever a migration changes; templates of older
 * migrations are left on the server (nothing tells whether another checkout still uses them) and may
 * be dropped at any time: `DROP DATABASE labgate_template_...`.
 */
export interface TestDatabase {
  url: string;
  kind: 'sqlite' | 'postgres';
  drop(): Promise<void>;
}

export function usingPostgres(): boolean {
  return /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL ?? '';
  if (!usingPostgres()) return { url: 'sqlite::memory:', kind: 'sqlite', drop: async () => undefined };
  const template = await migratedTemplate(base);
  const name = `labgate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin(base, (admin) => admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    url: databaseUrl(base, name),
    kind: 'postgres',
    drop: async () => {
      await withAdmin(base, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/**
 * Takes the database away from a running app, as an outage would: SQLite's only connection is closed;
 * a PostgreSQL database stops taking connections and its open ones are ended.
 */
export async function cutDatabaseOff(db: TestDatabase, dataSource: DataSource): Promise<void> {
  if (db.kind === 'sqlite') {
    sqliteDatabase(dataSource)!.close();
    return;
  }
  const name = new URL(db.url).pathname.slice(1);
  await withAdmin(process.env.DATABASE_URL ?? '', async (admin) => {
    await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
  });
}

function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withAdmin<T>(base: string, work: (admin: Client) => Promise<T>): Promise<T> {
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}

/** Taken while a template is looked for or built, so that the test files starting at once build it once. */
const TEMPLATE_LOCK_KEY = 4_711_043;
const MIGRATIONS_DIR = path.join(__dirname, '..', '..', 'src', 'db', 'migrations');

/** Names the set of migrations by their files' contents: a changed migration gets a new template. */
function templateName(): string {
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(MIGRATIONS_DIR).sort()) {
    hash.update(file).update('\0').update(fs.readFileSync(path.join(MIGRATIONS_DIR, file))).update('\0');
  }
  return `labgate_template_${hash.digest('hex').slice(0, 16)}`;
}

let template: Promise<string> | null = null;

function migratedTemplate(base: string): Promise<string> {
  return (template ??= buildTemplate(base).catch((error) => {
    template = null;
    throw error;
  }));
}

async function buildTemplate(base: string): Promise<string> {
  const name = templateName();
  await withAdmin(base, async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) return;
      // Built under a name of its own and renamed when complete: a build that fails half-way never
      // leaves a template that looks finished.
      const building = `${name}_building_${randomBytes(4).toString('hex')}`;
      await admin.query(`CREATE DATABASE ${building}`);
      try {
        const { createDataSource, migrate } = await import('../../src/db/data-source');
        const dataSource = createDataSource(databaseUrl(base, building));
        await dataSource.initialize();
        try {
          await migrate(dataSource);
        } finally {
          await dataSource.destroy();
        }
        await admin.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      } catch (error) {
        await admin.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`).catch(() => undefined);
        throw error;
      }
      // Nobody connects to it: a copy cannot be made while a session is connected to its template.
      await admin.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]).catch(() => undefined);
    }
  });
  return name;
}
