import type { DataSource, QueryRunner } from 'typeorm';

export type Dialect = 'sqlite' | 'postgres';

export function dialectOf(source: DataSource | QueryRunner): Dialect {
  const type = ('connection' in source ? source.connection : source).options.type;
  return type === 'postgres' ? 'postgres' : 'sqlite';
}

/** Column types for hand-written DDL, per database. */
export function ddlTypes(dialect: Dialect) {
  return dialect === 'postgres'
    ? { pk: 'SERIAL PRIMARY KEY', int: 'integer', text: 'varchar', bool: 'boolean', timestamp: 'timestamptz', date: 'varchar(10)' }
    : { pk: 'integer PRIMARY KEY AUTOINCREMENT', int: 'integer', text: 'varchar', bool: 'boolean', timestamp: 'datetime', date: 'varchar(10)' };
}

/**
 * An integer stored under `key` in the JSON text column `column` (null when absent), as an SQL
 * expression. `key` must be written here, never a value a client sent.
 */
export function jsonIntegerField(dialect: Dialect, column: string, key: string): string {
  if (!/^[A-Za-z]+$/.test(key)) throw new Error(`not a settings key: ${key}`);
  return dialect === 'postgres' ? `CAST(CAST(${column} AS json) ->> '${key}' AS integer)` : `CAST(json_extract(${column}, '$.${key}') AS INTEGER)`;
}
