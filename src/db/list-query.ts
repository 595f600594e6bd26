import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * A filtered list before it is paged: the query holds the filters (and the visibility rules), the keys
 * its order. GraphQL pages it by keyset (connections); the REST API by offset, as GitLab's REST does.
 * Services build it once, so both APIs list exactly the same rows.
 */
export interface ListQuery<T extends ObjectLiteral> {
  qb: SelectQueryBuilder<T>;
  keys: readonly SortKey<T>[];
  /**
   * Queries over the same table without joins, no row in two of them, all of them together the rows
   * of `qb`: counted in its place when set, because each is cheap to count where `qb` is not (see
   * `projectVisibleSqlParts`). Made only when a count is asked for; null: count `qb` after all.
   */
  countParts?: () => Promise<readonly SelectQueryBuilder<T>[] | null>;
  /**
   * What a row read back shows, when it is not the row as stored (a member reached through a group
   * link shows at most the link's role). Applied to every row of a page before it is serialized.
   */
  adjust?: (row: T) => T;
}

/** A value of a sort key, as a cursor holds it. */
export type KeyValue = string | number | boolean | Date | null;

export interface SortKey<T> {
  /** Name in the cursor JSON. */
  name: string;
  /** SQL expression over the query's aliases. Never holds caller text: that goes in `params`. */
  expr: string;
  /**
   * Values the expression refers to as `:name`. They travel with the key into every statement that
   * uses it (ORDER BY, keyset conditions, selected cursor values), so names must be unique per query.
   */
  params?: Record<string, unknown>;
  direction: 'ASC' | 'DESC';
  kind: 'number' | 'string' | 'timestamp' | 'boolean';
  nullable?: boolean;
  /**
   * The key's value for a row. Keys over joined tables set `rawAlias`: the expression is then selected
   * under that alias and its value read from the raw result row.
   */
  value: (row: T, raw?: Record<string, unknown>) => KeyValue;
  rawAlias?: string;
}
