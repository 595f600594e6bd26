import { createHash } from 'node:crypto';
import { QueryFailedError, type DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { EntityMetadata } from 'typeorm/metadata/EntityMetadata';
import { pgPool, sqliteDatabase } from './adapters/driver-connections';
import { checkColumnPositions, newEntity } from './adapters/entity-hydration';
import { forDriver } from './adapters/placeholders';
import { addDbTime, PerDataSource } from './timing';
import { dialectOf } from './dialect';
import { takeTurn } from './turns';

export { forDriver, positional } from './adapters/placeholders';

/**
 * Reads of whole entities on the hot paths (authentication, DataLoaders, the rows of a page), without
 * TypeORM's query builder: the SQL text of each read is made once per data source and entity from
 * TypeORM's own metadata, and rows are hydrated column by column with the driver's own conversions,
 * so the entities are the ones `find` would return, at a fraction of the cost per row. A column added
 * to an entity is read here too, with nothing to change.
 */

interface EntityReader {
  metadata: EntityMetadata;
  /** `a.col AS "a_col", ...` for the alias the statement uses. */
  selectList(alias: string): string;
  /** Each column with the key it has in a row selected under `alias`. */
  keyedColumns(alias: string): ReadonlyArray<{ key: string; column: ColumnMetadata; plain: boolean }>;
}

const readers = new PerDataSource<Map<EntityTarget<ObjectLiteral>, EntityReader>>();

function readerOf(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>): EntityReader {
  let perSource = readers.get(dataSource);
  if (!perSource) readers.set(dataSource, (perSource = new Map()));
  let reader = perSource.get(entity);
  if (!reader) {
    const metadata = dataSource.getMetadata(entity);
    const lists = new Map<string, string>();
    const keyed = new Map<string, ReturnType<EntityReader['keyedColumns']>>();
    reader = {
      metadata,
      selectList(alias) {
        let list = lists.get(alias);
        if (list === undefined) {
          list = metadata.columns.map((c) => `${alias}."${c.databaseName}" AS "${alias}_${c.databaseName}"`).join(', ');
          lists.set(alias, list);
        }
        return list;
      },
      keyedColumns(alias) {
        let columns = keyed.get(alias);
        if (columns === undefined) {
          // A plain column is a property of the entity itself (not of an embedded object or a relation).
          columns = metadata.columns.map((column) => ({ key: `${alias}_${column.databaseName}`, column, plain: !column.embeddedMetadata && !column.relationMetadata }));
          keyed.set(alias, columns);
        }
        return columns;
      },
    };
    perSource.set(entity, reader);
  }
  return reader;
}

/** The column list of `entity` under `alias`, for a statement that `hydrate`s its rows. */
export function selectColumns(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, alias: string): string {
  return readerOf(dataSource, entity).selectList(alias);
}

/** How many columns `selectColumns` selects for `entity`. */
export function columnCount(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>): number {
  return readerOf(dataSource, entity).metadata.columns.length;
}

/** The entity in `raw` (a row selected with `selectColumns` under `alias`). */
export function hydrate<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, raw: Record<string, unknown>, alias: string): T {
  return entityOf(dataSource, entity, alias, (key) => raw[key]);
}

/**
 * The entity in `row` (an array of values, as `readRowArrays` gives), whose columns `selectColumns`
 * selected from position `offset` on.
 */
export function hydrateArray<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, row: readonly unknown[], offset = 0): T {
  const names = rowColumns.get(row);
  if (names) checkColumnPositions(names, offset, readerOf(dataSource, entity as EntityTarget<ObjectLiteral>).metadata);
  // In select order; the alias of the keys does not matter here.
  return entityOf(dataSource, entity, '', (_key, i) => row[offset + i]);
}

/** An entity from the stored value of each column (by its key under `alias`, or its place in the select list). */
function entityOf<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, alias: string, valueAt: (key: string, i: number) => unknown): T {
  const reader = readerOf(dataSource, entity as EntityTarget<ObjectLiteral>);
  const driver = dataSource.driver;
  const hydrated = newEntity(reader.metadata);
  const columns = reader.keyedColumns(alias);
  for (let i = 0; i < columns.length; i += 1) {
    const { key, column, plain } = columns[i];
    const value = driver.prepareHydratedValue(valueAt(key, i), column);
    if (plain) hydrated[column.propertyName] = value;
    else column.setEntityValue(hydrated, value);
  }
  return hydrated as T;
}

/** The part of better-sqlite3's statements used here. */
interface SqliteStatement {
  all(...values: unknown[]): unknown[];
  columns(): Array<{ name: string }>;
}

const sqliteStatements = new WeakMap<object, Map<string, SqliteStatement>>();

/**
 * Rows read by position are checked against the names of the columns the driver says it returned,
 * once per statement: the rows of the first result of each statement text that has any are tagged
 * with those names, and `hydrateArray` checks a tagged row's positions against the entity it makes.
 * Later results are not tagged, so reads cost nothing more once a statement has been checked.
 */
const rowColumns = new WeakMap<readonly unknown[], readonly string[]>();
/** Statement texts whose column names are known and whose rows have not been checked yet. */
const unchecked = new Map<string, readonly string[]>();
const namesKnown = new Set<string>();

function tagFirstRows(text: string, rows: unknown[][], names: () => readonly string[]): unknown[][] {
  if (!namesKnown.has(text)) {
    namesKnown.add(text);
    unchecked.set(text, names());
  }
  const pending = unchecked.get(text);
  if (pending && rows.length) {
    for (const row of rows) rowColumns.set(row, pending);
    unchecked.delete(text);
  }
  return rows;
}

const statementNames = new Map<string, string>();

/**
 * Runs one of the reads made once per data source (the texts here and the token lookup). On
 * PostgreSQL it is a named prepared statement: each pooled connection parses and plans it once, then
 * only executes it, where an unnamed statement is planned on every request. Elsewhere (SQLite keeps
 * its own statement cache) it is an ordinary query. Logging, errors and database time are as for
 * any TypeORM query. The text must be one of a fixed few, values always as parameters: each text
 * becomes a statement kept on every connection.
 */
export async function readRows(dataSource: DataSource, text: string, values: unknown[]): Promise<Array<Record<string, unknown>>> {
  if (dialectOf(dataSource) !== 'postgres') return dataSource.query(text, values);
  return (await preparedRead(dataSource, text, values, false)) as Array<Record<string, unknown>>;
}

/**
 * `readRows` with each row as an array of its values, in the order the statement selects them: no
 * object per row for the driver to build and for `hydrateArray` to look up by name. On SQLite the
 * statement is prepared once per connection and kept (better-sqlite3's raw mode).
 */
export async function readRowArrays(dataSource: DataSource, text: string, values: unknown[]): Promise<unknown[][]> {
  if (dialectOf(dataSource) === 'postgres') return (await preparedRead(dataSource, text, values, true)) as unknown[][];
  const connection = sqliteDatabase(dataSource)!;
  let statements = sqliteStatements.get(connection);
  if (!statements) sqliteStatements.set(connection, (statements = new Map()));
  const kept = statements;
  const turn = takeTurn(dataSource);
  if (turn) await turn;
  return asQuery(dataSource, text, values, async () => {
    let statement = kept.get(text);
    if (!statement) kept.set(text, (statement = connection.prepare(text).raw(true)));
    const prepared = statement;
    return tagFirstRows(text, prepared.all(...values) as unknown[][], () => prepared.columns().map((c) => c.name));
  });
}

/** `run` as TypeORM runs a query: logged, its time counted as database time, its error a QueryFailedError. */
async function asQuery<T>(dataSource: DataSource, text: string, values: unknown[], run: () => Promise<T>): Promise<T> {
  dataSource.logger.logQuery(text, values);
  const started = performance.now();
  try {
    return await run();
  } catch (error) {
    throw new QueryFailedError(text, values, error as Error);
  } finally {
    addDbTime(dataSource, performance.now() - started);
  }
}

async function preparedRead(dataSource: DataSource, text: string, values: unknown[], arrays: boolean): Promise<unknown[]> {
  let name = statementNames.get(text);
  if (!name) {
    name = `labgate_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  const pool = pgPool(dataSource)!;
  const statement = { name, text, values, ...(arrays ? { rowMode: 'array' as const } : {}) };
  return asQuery(dataSource, text, values, async () => {
    const result = await pool.query(statement);
    return arrays ? tagFirstRows(text, result.rows as unknown[][], () => result.fields.map((f) => f.name)) : result.rows;
  });
}

/**
 * `column` is one of a list of ids given as a single `?` parameter (`idList`): an array on PostgreSQL,
 * a JSON array on SQLite. One statement text then serves any number of ids, and stays prepared.
 */
export function oneOfIds(dataSource: DataSource, column: string): string {
  return dialectOf(dataSource) === 'postgres' ? `${column} = ANY(?)` : `${column} IN (SELECT value FROM json_each(?))`;
}

/** The parameter of `oneOfIds`. */
export function idList(dataSource: DataSource, ids: readonly number[]): unknown {
  return dialectOf(dataSource) === 'postgres' ? [...ids] : JSON.stringify(ids);
}

/** A list of texts as one parameter, as `idList` gives ids: an array on PostgreSQL, a JSON array on SQLite. */
export function textList(dataSource: DataSource, texts: readonly string[]): unknown {
  return dialectOf(dataSource) === 'postgres' ? [...texts] : JSON.stringify(texts);
}

/** `expression` is one of a list given as the single named parameter `:name` (`idList`, `textList`). */
export function oneOfList(dataSource: DataSource, expression: string, name: string): string {
  return dialectOf(dataSource) === 'postgres' ? `${expression} = ANY(:${name})` : `${expression} IN (SELECT value FROM json_each(:${name}))`;
}

/** The number of values of the list parameter `:name` (`textList`), in SQL: no second parameter, one text whatever the length. */
export function listLength(dataSource: DataSource, name: string): string {
  return dialectOf(dataSource) === 'postgres' ? `cardinality(CAST(:${name} AS text[]))` : `json_array_length(:${name})`;
}

const whereTexts = new PerDataSource<Map<string, string>>();

/**
 * `SELECT` every column of `entity` (aliased `e`) `WHERE condition` (with `?` placeholders): the text
 * made once per data source, entity and condition, so that it is the same string every time.
 */
function selectWhere(dataSource: DataSource, entity: EntityTarget<ObjectLiteral>, condition: string): string {
  let texts = whereTexts.get(dataSource);
  if (!texts) whereTexts.set(dataSource, (texts = new Map()));
  const { metadata } = readerOf(dataSource, entity);
  const key = `${metadata.tableName}\u0000${condition}`;
  let text = texts.get(key);
  if (!text) {
    text = forDriver(dataSource, `SELECT ${selectColumns(dataSource, entity, 'e')} FROM "${metadata.tableName}" e WHERE ${condition}`);
    texts.set(key, text);
  }
  return text;
}

/**
 * The first row of `entity` matching `condition` (SQL over the alias `e`, with `?` placeholders for
 * `params`), or null.
 */
export async function findOneWhere<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, condition: string, params: unknown[]): Promise<T | null> {
  const [row] = await readRowArrays(dataSource, selectWhere(dataSource, entity as EntityTarget<ObjectLiteral>, `${condition} LIMIT 1`), params);
  return row ? hydrateArray(dataSource, entity, row) : null;
}

/** The rows of `entity` with these ids (in no particular order), in one statement. */
export function findByIds<T extends ObjectLiteral & { id: number }>(dataSource: DataSource, entity: EntityTarget<T>, ids: readonly number[]): Promise<T[]> {
  return findWhereIdIn(dataSource, entity, 'id', ids);
}

/** The rows of `entity` whose integer column `column` (a database name) holds one of `ids`, in one statement. */
export async function findWhereIdIn<T extends ObjectLiteral>(dataSource: DataSource, entity: EntityTarget<T>, column: string, ids: readonly number[]): Promise<T[]> {
  if (!ids.length) return [];
  const text = selectWhere(dataSource, entity as EntityTarget<ObjectLiteral>, oneOfIds(dataSource, `e."${column}"`));
  const rows = await readRowArrays(dataSource, text, [idList(dataSource, ids)]);
  return rows.map((row) => hydrateArray(dataSource, entity, row));
}
