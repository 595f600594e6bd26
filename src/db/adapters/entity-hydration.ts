import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';

/**
 * The one place that builds entities the way TypeORM's own hydration does, for the hot reads of
 * `db/rows.ts`, and that checks rows read by position.
 *
 * Relies on (TypeORM 0.3): `EntityMetadata.create()` makes an empty instance of the entity's class
 * (its prototype, getters and methods, no column set), `metadata.columns` lists the columns in a fixed
 * order, `Driver.prepareHydratedValue` converts a stored value as `find` would, and
 * `ColumnMetadata.setEntityValue` sets a column that is not a plain property (embedded, relation id).
 * test/unit/library-adapters.test.ts fails if any of these changes.
 */

/** A new entity of the metadata's class, with no column set yet. */
export function newEntity(metadata: EntityMetadata): Record<string, unknown> {
  return metadata.create() as Record<string, unknown>;
}

/**
 * Checks that the columns a statement returned, by name, are the entity's columns from position
 * `offset` on, in `metadata.columns` order, as `selectColumns` names them (`<alias>_<column>`). A row
 * read by position would otherwise put one column's value in another's property without a sound.
 */
export function checkColumnPositions(names: readonly string[], offset: number, metadata: EntityMetadata): void {
  const columns: readonly ColumnMetadata[] = metadata.columns;
  if (names.length < offset + columns.length) {
    throw new Error(`Positional read of ${metadata.name}: the statement returns ${names.length} columns, ${offset + columns.length} expected`);
  }
  // The statement's aliases have no `_` of their own (`t`, `u`, `e`): the prefix ends at the first.
  const first = names[offset];
  const alias = first.slice(0, first.indexOf('_') + 1);
  columns.forEach((column, i) => {
    const name = names[offset + i];
    if (!alias || name !== `${alias}${column.databaseName}`) {
      throw new Error(`Positional read of ${metadata.name}: column ${offset + i} is "${name}", expected "${alias || '<alias>_'}${column.databaseName}"`);
    }
  });
}
