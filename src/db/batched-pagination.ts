import DataLoader from 'dataloader';
import { type DataSource, type EntityTarget, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { dialectOf } from './dialect';
import { shiftPlaceholders } from './adapters/placeholders';
import { findByIds } from './rows';
import { countLimit, paginate, pagePlan, type Connection, type PageArgs, type PagePlan, type SortKey } from './paging';

/**
 * Nested connections without a query per parent. When a list of groups asks each group for its
 * projects, every group's page is the same keyset query with a different parent. Two ways to run them
 * together, both two statements for the whole list (and `count`, when asked for, one more):
 *
 * - partitioned (the spec has `partition`): one query over every parent's rows, each row tagged with
 *   its parent's key, numbered per parent by `ROW_NUMBER() OVER (PARTITION BY parent ORDER BY ...)` and
 *   cut at the page size. The database plans one small statement whatever the number of parents;
 * - otherwise each parent's query becomes a branch of one `UNION ALL`, with its own ORDER BY and LIMIT.
 *
 * A second query loads the entities by id.
 */
export interface BatchSpec<T extends ObjectLiteral> {
  entity: EntityTarget<T>;
  /** The alias of the entity in the queries. */
  alias: string;
  keys: readonly SortKey<T>[];
  /**
   * The filtered query of many parents at once (no order, no limit, no cursor), and the SQL expression
   * that gives each row's parent key: the `parentKey` that parent was loaded with. It must not depend
   * on which parent happened to ask first.
   */
  partition?: (parents: readonly BatchParent[]) => PartitionedQuery<T>;
}

export type ParentKey = string | number;

/** A parent of a partitioned batch: its key, and what its caller passed along to build the query. */
export interface BatchParent {
  key: ParentKey;
  data: unknown;
}

export interface PartitionedQuery<T extends ObjectLiteral> {
  query: SelectQueryBuilder<T>;
  parentKey: string;
}

function unionAll(dataSource: DataSource, parts: Array<[string, unknown[]]>): [string, unknown[]] {
  const postgres = dialectOf(dataSource) === 'postgres';
  const params: unknown[] = [];
  const branches = parts.map(([sql, p], i) => {
    const text = postgres ? shiftPlaceholders(sql, params.length) : sql;
    params.push(...p);
    return `SELECT * FROM (${text}) batch_${i}`;
  });
  return [branches.join(' UNION ALL '), params];
}

/**
 * One page of each query (the filtered query of one parent each: no order, no limit, no cursor),
 * in two statements whatever the number of queries.
 */
export async function paginateBatch<T extends ObjectLiteral & { id: number }>(
  dataSource: DataSource,
  queries: readonly SelectQueryBuilder<T>[],
  spec: BatchSpec<T>,
  args: PageArgs,
): Promise<Connection<T>[]> {
  if (queries.length === 1) return [await paginate(queries[0], spec.keys, args)];
  const plan = pagePlan(spec.keys, args);
  const rawKeys = spec.keys.filter((k) => k.rawAlias);

  const parts = queries.map((qb, i): [string, unknown[]] => {
    const page = qb.clone();
    plan.apply(page);
    page
      .select(`${spec.alias}.id`, 'batch_id')
      .addSelect(`${i}`, 'batch_parent')
      .addSelect(`ROW_NUMBER() OVER (ORDER BY ${plan.orderSql})`, 'batch_row');
    rawKeys.forEach((key) => page.addSelect(key.expr, key.rawAlias));
    return page.getQueryAndParameters() as [string, unknown[]];
  });

  const rows: Array<Record<string, unknown>> = plan.limit === 0 ? [] : await dataSource.query(...unionAll(dataSource, parts));

  // Every parent's count in one statement (`count(limit:)` reads at most limit + 1 rows of each).
  const counts = countsPerLimit(async (limit) => {
    const countParts = queries.map((qb, i): [string, unknown[]] => {
      const [sql, params] = qb.clone().select(`${spec.alias}.id`, 'batch_id').getQueryAndParameters();
      const rows = limit === null ? sql : `${sql} LIMIT ${countLimit(limit)}`;
      return [`SELECT ${i} AS batch_parent, COUNT(*) AS batch_count FROM (${rows}) batch_count_${i}`, params as unknown[]];
    });
    const result: Array<Record<string, unknown>> = await dataSource.query(...unionAll(dataSource, countParts));
    const list = queries.map(() => 0);
    for (const r of result) list[Number(r.batch_parent)] = Number(r.batch_count);
    return list;
  });
  return connections(dataSource, spec, plan, rows, queries.length, (r) => Number(r.batch_parent), counts);
}

/**
 * Pages of many parents from one windowed query (see `BatchSpec.partition`): rows numbered per parent,
 * at most one more than the page size kept for each.
 */
export async function paginatePartitioned<T extends ObjectLiteral & { id: number }>(
  dataSource: DataSource,
  parents: readonly BatchParent[],
  spec: BatchSpec<T> & { partition: NonNullable<BatchSpec<T>['partition']> },
  args: PageArgs,
): Promise<Connection<T>[]> {
  const plan = pagePlan(spec.keys, args);
  const index = new Map(parents.map((parent, i) => [String(parent.key), i]));
  let rows: Array<Record<string, unknown>> = [];
  if (plan.limit > 0) {
    const { query, parentKey } = spec.partition(parents);
    query.select(`${spec.alias}.id`, 'batch_id').addSelect(parentKey, 'batch_parent');
    for (const key of spec.keys) if (key.rawAlias) query.addSelect(key.expr, key.rawAlias);
    if (parents.length === 1) {
      // One parent (a group's own project list): an ordered, limited query the indexes answer, rather
      // than a window over every row of the parent.
      plan.apply(query);
      rows = (await query.getRawMany()).map((r, i) => ({ ...r, batch_row: i + 1 }));
    } else {
      plan.filter(query);
      query.addSelect(`ROW_NUMBER() OVER (PARTITION BY ${parentKey} ORDER BY ${plan.orderSql})`, 'batch_row');
      const [text, params] = query.getQueryAndParameters();
      rows = await dataSource.query(`SELECT * FROM (${text}) batch_page WHERE batch_page.batch_row <= ${plan.limit + 1}`, params);
    }
  }

  // Counts grouped by parent. With a limit, each parent's rows are numbered and only the first
  // limit + 1 of each are counted.
  const counts = countsPerLimit(async (limit) => {
    const { query, parentKey } = spec.partition(parents);
    let result: Array<Record<string, unknown>>;
    if (limit === null) {
      result = await query.select(parentKey, 'batch_parent').addSelect('COUNT(*)', 'batch_count').groupBy(parentKey).getRawMany();
    } else {
      query.select(parentKey, 'batch_parent').addSelect(`ROW_NUMBER() OVER (PARTITION BY ${parentKey})`, 'batch_row');
      const [text, params] = query.getQueryAndParameters();
      result = await dataSource.query(
        `SELECT batch_counted.batch_parent AS batch_parent, COUNT(*) AS batch_count FROM (${text}) batch_counted
         WHERE batch_counted.batch_row <= ${countLimit(limit)} GROUP BY batch_counted.batch_parent`,
        params,
      );
    }
    const list = parents.map(() => 0);
    for (const r of result) {
      const i = index.get(String(r.batch_parent));
      if (i !== undefined) list[i] = Number(r.batch_count);
    }
    return list;
  });
  return connections(dataSource, spec, plan, rows, parents.length, (r) => index.get(String(r.batch_parent)), counts);
}

/** Each parent's connection from a batch's rows (`batch_id`, and `batch_row`: the place in its parent's page). */
async function connections<T extends ObjectLiteral & { id: number }>(
  dataSource: DataSource,
  spec: BatchSpec<T>,
  plan: PagePlan<T>,
  rows: Array<Record<string, unknown>>,
  parentCount: number,
  parentOf: (row: Record<string, unknown>) => number | undefined,
  counts: (limit: number | null) => Promise<number[]>,
): Promise<Connection<T>[]> {
  const byId = await loadByIds(dataSource, spec, rows);
  const perParent: Array<Array<{ row: number; node: T; raw: Record<string, unknown> }>> = Array.from({ length: parentCount }, () => []);
  for (const r of rows) {
    const node = byId.get(Number(r.batch_id));
    const i = parentOf(r);
    if (node && i !== undefined) perParent[i].push({ row: Number(r.batch_row), node, raw: r });
  }
  return perParent.map((list, i) => {
    list.sort((a, b) => a.row - b.row);
    return plan.connection(list, async (limit) => (await counts(limit))[i]);
  });
}

/** Every parent's count, computed once per limit asked for. */
function countsPerLimit(compute: (limit: number | null) => Promise<number[]>): (limit: number | null) => Promise<number[]> {
  const computed = new Map<number | null, Promise<number[]>>();
  return (limit) => {
    let answer = computed.get(limit);
    if (!answer) computed.set(limit, (answer = compute(limit)));
    return answer;
  };
}

/** Parents whose key a column of the listed rows holds (a user's tokens: `t.user_id`). */
export function partitionByColumn<T extends ObjectLiteral>(column: string, base: () => SelectQueryBuilder<T>): NonNullable<BatchSpec<T>['partition']> {
  return (parents) => ({
    query: base().andWhere(`${column} IN (:...batchParents)`, { batchParents: parents.map((p) => p.key) }),
    parentKey: column,
  });
}

/**
 * Parents that are namespaces, each listing rows at or below it (`data`: its traversal ids): the
 * subtrees are joined as literal rows `(parent, traversal ids)` on the listed row's namespace, whose
 * traversal ids are `traversalColumn`. Traversal ids are digits and slashes, checked before use.
 */
export function partitionBySubtree<T extends ObjectLiteral>(
  traversalColumn: string,
  base: () => SelectQueryBuilder<T>,
  /** For a list of namespaces strictly below their parent: the listed namespace's id column. */
  excludeParent?: string,
): NonNullable<BatchSpec<T>['partition']> {
  return (parents) => {
    const rows = parents.map(({ key, data }) => {
      if (!Number.isSafeInteger(key) || typeof data !== 'string' || !/^[0-9/]+$/.test(data)) throw new Error(`not a namespace: ${String(key)}`);
      return `(${key}, '${data}')`;
    });
    const inside = `${traversalColumn} >= bp.column2 AND ${traversalColumn} < (bp.column2 || ':')`;
    const query = base().innerJoin(`(VALUES ${rows.join(', ')})`, 'bp', excludeParent ? `${inside} AND ${excludeParent} <> bp.column1` : inside);
    return { query, parentKey: 'bp.column1' };
  };
}

/** The entities of a page's `batch_id`s, by id. */
async function loadByIds<T extends ObjectLiteral & { id: number }>(dataSource: DataSource, spec: BatchSpec<T>, rows: Array<Record<string, unknown>>): Promise<Map<number, T>> {
  const entities = await findByIds(dataSource, spec.entity, [...new Set(rows.map((r) => Number(r.batch_id)))]);
  return new Map(entities.map((e) => [e.id, e]));
}

/**
 * Per-request batching of nested connection fields: the parents of one field asking with the same
 * arguments within one tick are answered together by `paginateBatch`.
 */
export class BatchedConnections {
  private readonly loaders = new Map<string, DataLoader<{ key: ParentKey; query: SelectQueryBuilder<ObjectLiteral> | null; data: unknown }, Connection<ObjectLiteral>, ParentKey>>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * The page of one parent (identified within the field by `parentKey`) for the connection field
   * `field`. `query` is that parent's filtered query; it may be null when `spec.partition` builds the
   * query of all parents instead, from each parent's `data`.
   */
  load<T extends ObjectLiteral & { id: number }>(
    field: string,
    parentKey: ParentKey,
    query: SelectQueryBuilder<T> | null,
    spec: BatchSpec<T>,
    args: PageArgs,
    data?: unknown,
  ): Promise<Connection<T>> {
    const name = `${field}:${JSON.stringify(args)}`;
    let loader = this.loaders.get(name);
    if (!loader) {
      const { partition } = spec;
      loader = new DataLoader(
        (items) =>
          (partition
            ? paginatePartitioned(this.dataSource, items, { ...spec, partition }, args)
            : paginateBatch(
                this.dataSource,
                items.map((item) => item.query as unknown as SelectQueryBuilder<T>),
                spec,
                args,
              )) as unknown as Promise<Connection<ObjectLiteral>[]>,
        // Parents reach this call after different chains of awaits (policy checks, cached loaders);
        // waiting for the next turn of the event loop lets all of them join one batch.
        { cacheKeyFn: (item) => item.key, batchScheduleFn: (run) => setImmediate(run) },
      );
      this.loaders.set(name, loader);
    }
    if (!spec.partition && !query) throw new Error(`${field}: a batched connection needs a query or a partition`);
    return loader.load({ key: parentKey, query: query as unknown as SelectQueryBuilder<ObjectLiteral> | null, data }) as unknown as Promise<Connection<T>>;
  }
}
