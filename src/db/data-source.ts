import fs from 'node:fs';
import { PerDataSource } from './timing';
import path from 'node:path';
import { DataSource, type EntityManager } from 'typeorm';
import { GranularScope } from '../modules/access-token/granular-scope.entity';
import { DeployToken } from '../modules/deploy-token/deploy-token.entity';
import { ContainerRepository } from '../modules/registry/container-repository.entity';
import { PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import { Member } from '../modules/member/member.entity';
import { Namespace } from '../modules/namespace/namespace.entity';
import { Project } from '../modules/project/project.entity';
import { PROJECT_EXTRA_ENTITIES } from '../modules/project/project-extras.entity';
import { User } from '../modules/user/user.entity';
import { DEFAULT_SQLITE_PATH } from '../config';
import { dialectOf } from './dialect';
import { WriteCounter } from './write-count';
import { InitialSchema1764400000000 } from './migrations/1764400000000-initial-schema';
import { TraversalOrderAndNameIndex1764500000000 } from './migrations/1764500000000-traversal-order-and-name-index';
import { StarsTopicsForksDeletion1764600000000 } from './migrations/1764600000000-stars-topics-forks-deletion';
import { GranularScopes1764700000000 } from './migrations/1764700000000-granular-scopes';
import { SortIndexes1764800000000 } from './migrations/1764800000000-sort-indexes';
import { ProtectedBranches1764900000000 } from './migrations/1764900000000-protected-branches';
import { ProtectedBranch, ProtectedBranchAccessLevel } from '../modules/repository/protected-branch.entity';
import { DeployTokens1764910000000 } from './migrations/1764910000000-deploy-tokens';
import { VisitTimesAndTokenAddresses1764920000000 } from './migrations/1764920000000-visit-times-and-token-addresses';
import { ContainerRepositories1764960000000 } from './migrations/1764960000000-container-repositories';
import { GroupLinks1764970000000 } from './migrations/1764970000000-group-links';
import { GROUP_LINK_ENTITIES } from '../modules/group-link/group-link.entity';
import { Events1765100000000 } from './migrations/1765100000000-events';
import { EVENT_ENTITIES } from '../modules/event/event.entity';
import { adoptTransaction } from './adapters/query-runners';

export const ENTITIES = [User, Namespace, Project, Member, PersonalAccessToken, GranularScope, ...PROJECT_EXTRA_ENTITIES, ProtectedBranch, ProtectedBranchAccessLevel, DeployToken, ContainerRepository, ...GROUP_LINK_ENTITIES, ...EVENT_ENTITIES];
export const MIGRATIONS = [
  InitialSchema1764400000000,
  TraversalOrderAndNameIndex1764500000000,
  StarsTopicsForksDeletion1764600000000,
  GranularScopes1764700000000,
  SortIndexes1764800000000,
  ProtectedBranches1764900000000,
  DeployTokens1764910000000,
  VisitTimesAndTokenAddresses1764920000000,
  ContainerRepositories1764960000000,
  GroupLinks1764970000000,
  Events1765100000000,
];

export interface DataSourceOptions {
  /** Called with every SQL statement; the performance tests count them. */
  onQuery?: (sql: string, parameters?: unknown[]) => void;
  /** PostgreSQL cancels any statement that runs longer (the server's request time budget). */
  statementTimeoutMs?: number;
}

/** Parses `DATABASE_URL` into a TypeORM data source (not yet initialised). */
export function createDataSource(databaseUrl: string, options: DataSourceOptions = {}): DataSource {
  const logger = options.onQuery
    ? {
        logQuery: (sql: string, parameters?: unknown[]) => options.onQuery!(sql, parameters),
        logQueryError: () => undefined,
        logQuerySlow: () => undefined,
        logSchemaBuild: () => undefined,
        logMigration: () => undefined,
        log: () => undefined,
      }
    : undefined;
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // Counts the writes, so that requests forget what a write may have changed (db/write-count.ts).
    subscribers: [WriteCounter],
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    logging: options.onQuery ? (['query'] as ('query')[]) : false,
    ...(logger ? { logger } : {}),
  };

  if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    const extra = { max: 10, ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}) };
    return new DataSource({ type: 'postgres', url: databaseUrl, extra, ...common });
  }
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length);
    if (file === '') throw new Error('DATABASE_URL sqlite: needs a path (or :memory:)');
    if (file !== ':memory:') ensureSqliteDirectory(file);
    return new DataSource({
      type: 'better-sqlite3',
      database: file,
      // WAL lets several `labgate serve` processes share one file; the busy timeout makes a writer
      // wait for another process's write instead of failing at once.
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
        db.pragma('foreign_keys = ON');
      },
      ...common,
    });
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got "${databaseUrl}"`);
}

/**
 * The directory of a SQLite file must exist: a mistyped path is an error, not a new empty database.
 * Only the default path (`data/labgate.sqlite`) gets its directory created, so that a fresh checkout
 * starts with `npm install && npm start`.
 */
function ensureSqliteDirectory(file: string): void {
  const dir = path.dirname(path.resolve(file));
  if (fs.existsSync(dir)) return;
  if (path.resolve(file) === path.resolve(DEFAULT_SQLITE_PATH)) {
    fs.mkdirSync(dir, { recursive: true });
    return;
  }
  throw new Error(`DATABASE_URL sqlite:${file}: directory ${dir} does not exist`);
}

const MIGRATION_LOCK_KEY = 4_711_042;

/**
 * Brings the schema up to date. Several processes may start at once against one PostgreSQL database:
 * an advisory lock lets one of them migrate while the others wait, then find nothing left to do.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  if (dialectOf(dataSource) !== 'postgres') {
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  }
  const lock = dataSource.createQueryRunner();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}

const sqliteQueues = new PerDataSource<Promise<unknown>>();

/**
 * A SQLite transaction that takes the write lock when it begins (`BEGIN IMMEDIATE`). A deferred
 * transaction that reads and then writes fails at once with "database is locked" when another
 * process wrote in between, whatever the busy timeout; an immediate one waits for the other writer
 * (up to the busy timeout) and then cannot conflict.
 */
async function immediateTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.query('BEGIN IMMEDIATE');
    // TypeORM then treats the transaction as its own: nested saves use savepoints, and
    // commit/rollback below end it.
    adoptTransaction(runner);
    try {
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}

/**
 * Runs `work` in a database transaction. SQLite gives TypeORM one connection per process, so two
 * transactions that interleave across `await`s would share it; there they are queued one after the
 * other, and each takes the write lock as it begins so that writers in other processes wait their turn.
 * On PostgreSQL each transaction gets its own pooled connection and they run concurrently.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (dialectOf(dataSource) === 'postgres') return dataSource.transaction(work);
  const previous = sqliteQueues.get(dataSource) ?? Promise.resolve();
  const run = previous.then(
    () => immediateTransaction(dataSource, work),
    () => immediateTransaction(dataSource, work),
  );
  sqliteQueues.set(
    dataSource,
    run.catch(() => undefined),
  );
  return run;
}
