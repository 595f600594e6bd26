import { Column, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Column decorators shared by all entities. Types are chosen so that the same entity maps onto SQLite
 * and PostgreSQL; the DDL itself lives in the migrations (see `db/dialect.ts`).
 */
export const IdColumn = () => PrimaryGeneratedColumn({ type: 'integer' });

export const IntColumn = (name: string, options: { nullable?: boolean } = {}) =>
  Column({ name, type: 'integer', nullable: options.nullable ?? false });

export const StringColumn = (name: string, options: { nullable?: boolean } = {}) =>
  Column({ name, type: 'varchar', nullable: options.nullable ?? false });

export const BoolColumn = (name: string) => Column({ name, type: 'boolean' });

/** An instant, stored as `datetime` (UTC) on SQLite and `timestamptz` on PostgreSQL. */
export const TimestampColumn = (name: string, options: { nullable?: boolean } = {}) =>
  Column({ name, type: Date, nullable: options.nullable ?? false });

/** A calendar date kept as `YYYY-MM-DD` text: compares correctly as a string on both databases. */
export const DateColumn = (name: string, options: { nullable?: boolean } = {}) =>
  Column({ name, type: 'varchar', length: 10, nullable: options.nullable ?? true });
