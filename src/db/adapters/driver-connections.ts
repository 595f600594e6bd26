import type { Database } from 'better-sqlite3';
import type { DataSource } from 'typeorm';

/**
 * The one place that reaches past TypeORM's driver to the database client under it.
 *
 * Relies on (TypeORM 0.3): `BetterSqlite3Driver.databaseConnection` is the better-sqlite3 `Database`
 * the data source opened (one per data source), and `PostgresDriver.master` is the node-postgres
 * `Pool` of the primary. Neither is public API; test/unit/library-adapters.test.ts fails if either
 * moves or changes shape.
 */

/** The part of node-postgres' pool used here (reads and the pool's gauges). */
export interface PgPool {
  query(config: { name: string; text: string; values: unknown[]; rowMode?: 'array' }): Promise<{ rows: unknown[]; fields: ReadonlyArray<{ name: string }> }>;
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** The better-sqlite3 database of a SQLite data source; null for any other (or before it is initialised). */
export function sqliteDatabase(dataSource: DataSource): Database | null {
  if (dataSource.options.type !== 'better-sqlite3') return null;
  return (dataSource.driver as unknown as { databaseConnection?: Database }).databaseConnection ?? null;
}

/** The node-postgres pool of a PostgreSQL data source; null for any other (or before it is initialised). */
export function pgPool(dataSource: DataSource): PgPool | null {
  if (dataSource.options.type !== 'postgres') return null;
  return (dataSource.driver as unknown as { master?: PgPool }).master ?? null;
}
