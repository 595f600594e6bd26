import DataLoader from 'dataloader';
import { In, type DataSource, type EntityTarget, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { dialectOf } from '../db/dialect';
import { encodeCursor, paginate, pagePlan, type Connection, type PageArgs, type SortKey } from './pagination';

/**
 * Nested connections without a query per parent. When a list of groups asks each group for its
 * projects, every group's page is the same keyset query with a different parent: those queries are run
 * as one `UNION ALL`, each branch with its own ORDER BY and LIMIT, numbering its rows with ROW_NUMBER.
 * A second query loads the entities by id. A page thus costs two statements for the whole list, and
 * `count`, when asked for, one more.
 */
export interface BatchSpec<T extends ObjectLiteral> {
  entity: EntityTarget<T>;
  /** The alias of the entity in the queries. */
  alias: string;
  keys: readonly SortKey<T>[];
}

/** Renumbers PostgreSQL's `$n` placeholders by `offset`, leaving quoted literals alone. */
function shiftPlaceholders(sql: string, offset: number): string {
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
  const ids = [...new Set(rows.map((r) => Number(r.batch_id)))];
  const entities = ids.length ? await dataSource.getRepository(spec.entity).findBy({ id: In(ids) } as never) : [];
  const byId = new Map(entities.map((e) => [e.id, e]));

  const perParent: Array<Array<{ row: number; node: T; raw: Record<string, unknown> }>> = queries.map(() => []);
  for (const r of rows) {
    const node = byId.get(Number(r.batch_id));
    if (node) perParent[Number(r.batch_parent)].push({ row: Number(r.batch_row), node, raw: r });
  }

  let counts: Promise<number[]> | null = null;
  const countAll = () =>
    (counts ??= (async () => {
      const countParts = queries.map((qb, i): [string, unknown[]] => {
        const [sql, params] = qb.clone().select(`${spec.alias}.id`, 'batch_id').getQueryAndParameters();
        return [`SELECT ${i} AS batch_parent, COUNT(*) AS batch_count FROM (${sql}) batch_count_${i}`, params as unknown[]];
      });
      const result: Array<Record<string, unknown>> = await dataSource.query(...unionAll(dataSource, countParts));
      const list = queries.map(() => 0);
      for (const r of result) list[Number(r.batch_parent)] = Number(r.batch_count);
      return list;
    })());

  return perParent.map((list, i) => {
    list.sort((a, b) => a.row - b.row);
    const withCursors = list.map(({ node, raw }) => ({ node, cursor: encodeCursor(spec.keys, node, raw) }));
    return plan.connection(withCursors, async () => (await countAll())[i]);
  });
}

/**
 * Per-request batching of nested connection fields: the parents of one field asking with the same
 * arguments within one tick are answered together by `paginateBatch`.
 */
export class BatchedConnections {
  private readonly loaders = new Map<string, DataLoader<{ key: string | number; query: SelectQueryBuilder<ObjectLiteral> }, Connection<ObjectLiteral>, string | number>>();

  constructor(private readonly dataSource: DataSource) {}

  /**
   * The page of `query` (one parent's filtered query) for the connection field `field`; `parentKey`
   * identifies the parent within the field.
   */
  load<T extends ObjectLiteral & { id: number }>(
    field: string,
    parentKey: string | number,
    query: SelectQueryBuilder<T>,
    spec: BatchSpec<T>,
    args: PageArgs,
  ): Promise<Connection<T>> {
    const name = `${field}:${JSON.stringify(args)}`;
    let loader = this.loaders.get(name);
    if (!loader) {
      loader = new DataLoader(
        (items) =>
          paginateBatch(
            this.dataSource,
            items.map((item) => item.query as unknown as SelectQueryBuilder<T>),
            spec,
            args,
          ) as unknown as Promise<Connection<ObjectLiteral>[]>,
        // Parents reach this call after different chains of awaits (policy checks, cached loaders);
        // waiting for the next turn of the event loop lets all of them join one batch.
        { cacheKeyFn: (item) => item.key, batchScheduleFn: (run) => setImmediate(run) },
      );
      this.loaders.set(name, loader);
    }
    return loader.load({ key: parentKey, query: query as unknown as SelectQueryBuilder<ObjectLiteral> }) as unknown as Promise<Connection<T>>;
  }
}
