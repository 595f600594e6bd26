import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { SortKey } from './paging';

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
}
