import type { DataSource } from 'typeorm';
import { dialectOf } from '../dialect';

/**
 * The one place that rewrites statement placeholders by hand, for statements run outside TypeORM's
 * query builder.
 *
 * Relies on: better-sqlite3 takes `?` placeholders and node-postgres `$1, $2, ...`; TypeORM's
 * `driver.escapeQueryWithParameters` turns `:name` / `:...list` into exactly those (numbered from 1 on
 * PostgreSQL, in order of appearance). test/unit/library-adapters.test.ts fails if that changes.
 */

/**
 * The statement text for this data source's driver: `?` placeholders (as written here, outside any
 * string literal) become `$1, $2, ...` on PostgreSQL.
 */
export function forDriver(dataSource: DataSource, text: string): string {
  if (dialectOf(dataSource) !== 'postgres') return text;
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

/**
 * A condition written with named parameters (`:name`, `:...list`, as the SQL vocabulary in
 * `policy/sql-conditions.ts` writes them) as text with `?` placeholders and the values in order.
 */
export function positional(condition: { sql: string; params: Record<string, unknown> }): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const text = condition.sql.replace(/:(\.\.\.)?([A-Za-z_][A-Za-z0-9_]*)/g, (whole, spread: string | undefined, name: string) => {
    if (!(name in condition.params)) return whole;
    const value = condition.params[name];
    if (spread) {
      const list = value as unknown[];
      values.push(...list);
      return list.map(() => '?').join(', ');
    }
    values.push(value);
    return '?';
  });
  return { text, values };
}

/**
 * Renumbers PostgreSQL's `$n` placeholders by `offset`, leaving quoted literals alone: statements
 * escaped one by one can then be joined into one (`UNION ALL`) with their values concatenated.
 */
export function shiftPlaceholders(sql: string, offset: number): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < sql.length; i += 1) {
    const c = sql[i];
    if (c === "'") inString = !inString;
    if (!inString && c === '$' && /\d/.test(sql[i + 1] ?? '')) {
      let j = i + 1;
      while (j < sql.length && /\d/.test(sql[j])) j += 1;
      out += `$${Number(sql.slice(i + 1, j)) + offset}`;
      i = j - 1;
      continue;
    }
    out += c;
  }
  return out;
}
