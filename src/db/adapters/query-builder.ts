import type { EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * The one place that reads a query builder's expression map, to tell when a page can be hydrated
 * by `db/rows.ts` instead of TypeORM's general transformer.
 *
 * Relies on (TypeORM 0.3): `expressionMap.mainAlias` is the alias the query selects from, with
 * `hasMetadata` and `target` when it is an entity, and `expressionMap.joinAttributes` lists its joins.
 * test/unit/library-adapters.test.ts fails if these change.
 */

/** The entity a query selects from when it selects one entity and joins nothing; null otherwise. */
export function singleEntityTarget<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): EntityTarget<T> | null {
  const { mainAlias, joinAttributes } = qb.expressionMap;
  if (!mainAlias?.hasMetadata || joinAttributes.length !== 0) return null;
  return mainAlias.target as EntityTarget<T>;
}
