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
