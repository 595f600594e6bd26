import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { singleEntityTarget } from './adapters/query-builder';
import { ArgumentError } from '../core/errors';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../core/limits';
import type { KeyValue, ListQuery, SortKey } from './list-query';

export type { SortKey } from './list-query';
import { hydrate } from './rows';

/**
 * Keyset paging, for every transport: a page is "the rows after (or before) this cursor in this
 * order", never an OFFSET. A cursor is the base64url JSON of the sort-key values of its row, as in
 * GitLab, and opaque to clients.
 */

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** The usual tie-breaker: the primary key in the direction of the main sort. */
export function idKey<T extends { id: number }>(alias: string, direction: 'ASC' | 'DESC'): SortKey<T> {
  return { name: 'id', expr: `${alias}.id`, direction, kind: 'number', value: (row) => row.id };
}

/** Where a page stands in its list (the GraphQL `PageInfo` type has these fields). */
export interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
}

/**
 * How many rows a list has: all of them (`limit` null), or, with a limit, at most `limit + 1`, so that
 * a client can tell "more than `limit`" without the database counting every row.
 */
export type RowCounter = (limit: number | null) => Promise<number>;

/** What a connection field resolves to. `count` runs its query only when the client asks for it. */
export class Connection<T> {
  constructor(
    readonly nodes: T[],
    /** Each node's cursor, or how to make the cursor of node `i` (only when a client asks for it). */
    private readonly cursors: readonly string[] | ((i: number) => string),
    readonly pageInfo: PageInfo,
    countRows: RowCounter,
  ) {
    // Read by the `count` field of the connection types (see `connectionType`), through `countOf`.
    Object.defineProperty(this, COUNTER, { value: countRows, enumerable: true });
  }

  get edges(): Array<{ cursor: string; node: T }> {
    const { cursors } = this;
    return this.nodes.map((node, i) => ({ cursor: typeof cursors === 'function' ? cursors(i) : cursors[i], node }));
  }

  /** The list's size, or at most `limit + 1` of it; each answer is worked out once. */
  count(limit: number | null = null): Promise<number> {
    return countOf(this, limit);
  }

  static empty<T>(): Connection<T> {
    return new Connection<T>([], [], { endCursor: null, hasNextPage: false, hasPreviousPage: false, startCursor: null }, async () => 0);
  }
}

/** Where a connection keeps its counter: copied along when type-graphql copies the connection onto its type. */
const COUNTER = '__countRows';
const COUNTED = new WeakMap<object, Map<number | null, Promise<number>>>();

/**
 * GitLab's `count(limit:)`. type-graphql calls the `count` field on a copy of the connection made as an
 * instance of the connection type, so the counter and its answers are found by the counter itself.
 */
export function countOf(connection: object, limit: number | null | undefined): Promise<number> {
  const counter = (connection as Record<string, RowCounter>)[COUNTER];
  const given = limit ?? null;
  if (given !== null && given < 1) return Promise.reject(new ArgumentError('limit must be greater than 0'));
  let answers = COUNTED.get(counter);
  if (!answers) COUNTED.set(counter, (answers = new Map()));
  let answer = answers.get(given);
  if (!answer) answers.set(given, (answer = counter(given)));
  return answer;
}

/** `SELECT COUNT(*)` over the query's rows, at most `limit + 1` of them when a limit is given. */
export async function countRowsOf<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, limit: number | null): Promise<number> {
  if (limit === null) return qb.getCount();
  const [text, params] = qb.clone().select(`${qb.alias}.id`, 'counted_id').distinct(true).orderBy().getQueryAndParameters();
  const rows: Array<{ n: unknown }> = await qb.connection.query(`SELECT COUNT(*) AS n FROM (${text} LIMIT ${countLimit(limit)}) counted`, params);
  return Number(rows[0]?.n ?? 0);
}

/** The rows of the list (at most `limit + 1` when a limit is given), in one statement. */
export async function countListRows<T extends ObjectLiteral>(list: ListQuery<T>, limit: number | null): Promise<number> {
  const parts = list.countParts ? await list.countParts() : null;
  if (!parts) return countRowsOf(list.qb, limit);
  const params: ObjectLiteral = {};
  const counts = parts.map((part, i) => {
    const rows = part.clone().select('1', 'one').orderBy();
    Object.assign(params, rows.getParameters());
    return `(SELECT COUNT(*) FROM (${rows.getQuery()}${limit === null ? '' : ` LIMIT ${countLimit(limit)}`}) part_${i})`;
  });
  const ds = list.qb.connection;
  const [text, values] = ds.driver.escapeQueryWithParameters(`SELECT ${counts.join(' + ')} AS n`, params, {});
  const rows: Array<{ n: unknown }> = await ds.query(text, values);
  const total = Number(rows[0]?.n ?? 0);
  return limit === null ? total : Math.min(total, countLimit(limit));
}

/** The rows a limited count reads: `limit + 1`, as an integer pasted into SQL. */
export function countLimit(limit: number): number {
  return Math.trunc(limit) + 1;
}

// ---------------------------------------------------------------------------------------------

const INVALID_CURSOR = 'Please provide a valid cursor';

/**
 * Number keys are integer columns (ids, access levels, ranks), 32-bit on PostgreSQL. A cursor value
 * outside that range or with a fraction could never have come from us, and PostgreSQL would reject it.
 */
const MAX_INT_KEY = 2_147_483_647;
/** Timestamps that both databases and `Date` hold without surprises. */
const MIN_TIMESTAMP = Date.parse('0001-01-01T00:00:00.000Z');
const MAX_TIMESTAMP = Date.parse('9999-12-31T23:59:59.999Z');

export function encodeCursor<T>(keys: readonly SortKey<T>[], row: T, raw?: Record<string, unknown>): string {
  const values: Record<string, unknown> = {};
  for (const key of keys) {
    const v = key.value(row, raw);
    values[key.name] = v instanceof Date ? v.toISOString() : v;
  }
  return Buffer.from(JSON.stringify(values), 'utf8').toString('base64url');
}

function decodeCursor<T>(keys: readonly SortKey<T>[], cursor: string): KeyValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ArgumentError(INVALID_CURSOR);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new ArgumentError(INVALID_CURSOR);
  const record = parsed as Record<string, unknown>;
  return keys.map((key) => {
    if (!Object.hasOwn(record, key.name)) throw new ArgumentError(INVALID_CURSOR);
    const raw = record[key.name];
    if (raw === null) {
      if (!key.nullable) throw new ArgumentError(INVALID_CURSOR);
      return null;
    }
    switch (key.kind) {
      case 'number':
        if (typeof raw !== 'number' || !Number.isInteger(raw) || Math.abs(raw) > MAX_INT_KEY) throw new ArgumentError(INVALID_CURSOR);
        return raw;
      case 'boolean':
        if (typeof raw !== 'boolean') throw new ArgumentError(INVALID_CURSOR);
        return raw;
      case 'timestamp': {
        const time = typeof raw === 'string' ? Date.parse(raw) : NaN;
        if (!(time >= MIN_TIMESTAMP && time <= MAX_TIMESTAMP)) throw new ArgumentError(INVALID_CURSOR);
        return new Date(time);
      }
      default:
        // PostgreSQL text cannot hold U+0000, so no row of ours has it in a key.
        if (typeof raw !== 'string' || raw.includes('\u0000')) throw new ArgumentError(INVALID_CURSOR);
        return raw;
    }
  });
}

interface AtomicKey {
  expr: string;
  direction: 'ASC' | 'DESC';
}

/**
 * Nullable keys sort nulls last ascending and first descending (PostgreSQL's default), on both
 * databases: an `IS NULL` flag key goes in front of the value.
 */
function atomicKeys<T>(keys: readonly SortKey<T>[]): AtomicKey[] {
  return keys.flatMap((key) =>
    key.nullable
      ? [
          { expr: nullsFlag(key.expr), direction: key.direction },
          { expr: key.expr, direction: key.direction },
        ]
      : [{ expr: key.expr, direction: key.direction }],
  );
}

/** 1 for a null value, 0 otherwise: sorted in the key's direction, it puts nulls where `atomicKeys` says. */
function nullsFlag(expr: string): string {
  return `(CASE WHEN ${expr} IS NULL THEN 1 ELSE 0 END)`;
}

/**
 * Orders a query by its sort keys, nulls placed as in keyset pages, and binds the keys' parameters:
 * what an offset page (REST's `page`/`per_page`) needs to list the rows in the same order.
 */
export function orderBySortKeys<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, keys: readonly SortKey<T>[]): void {
  for (const key of keys) if (key.params) qb.setParameters(key.params);
  atomicKeys(keys).forEach((o, i) => (i === 0 ? qb.orderBy(o.expr, o.direction) : qb.addOrderBy(o.expr, o.direction)));
}

/** `(k1, k2, ...) beyond (v1, v2, ...)` in the sort order, as an OR of prefix-equal clauses. */
function keysetCondition<T>(
  keys: readonly SortKey<T>[],
  values: KeyValue[],
  forward: boolean,
  paramPrefix: string,
): { sql: string; params: Record<string, unknown> } {
  const params: Record<string, unknown> = {};
  const atoms: Array<{ expr: string; direction: 'ASC' | 'DESC'; value: KeyValue }> = [];
  keys.forEach((key, i) => {
    const v = values[i];
    if (key.nullable) atoms.push({ expr: nullsFlag(key.expr), direction: key.direction, value: v === null ? 1 : 0 });
    atoms.push({ expr: key.expr, direction: key.direction, value: v });
  });
  atoms.forEach((atom, i) => {
    if (atom.value !== null) params[`${paramPrefix}${i}`] = atom.value;
  });
  const clauses: string[] = [];
  atoms.forEach((atom, i) => {
    if (atom.value === null) return; // nothing sorts past a null within its null group
    const ascending = (atom.direction === 'ASC') === forward;
    const equalPrefix = atoms
      .slice(0, i)
      .map((prev, j) => (prev.value === null ? `${prev.expr} IS NULL` : `${prev.expr} = :${paramPrefix}${j}`));
    clauses.push([...equalPrefix, `${atom.expr} ${ascending ? '>' : '<'} :${paramPrefix}${i}`].join(' AND '));
  });
  return { sql: clauses.length ? `(${clauses.map((c) => `(${c})`).join(' OR ')})` : '1 = 0', params };
}

export function pageSize(args: PageArgs): { limit: number; backward: boolean } {
  const first = args.first ?? null;
  const last = args.last ?? null;
  if (first !== null && last !== null) throw new ArgumentError('Can only provide either `first` or `last`, not both');
  const requested = first ?? last;
  if (requested !== null && requested < 0) {
    // Inferred: GitLab refuses negative page sizes; graphql-ruby's text was not verified.
    throw new ArgumentError(`Argument '${first !== null ? 'first' : 'last'}' must be greater than or equal to 0`);
  }
  return { limit: Math.min(requested ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE), backward: last !== null };
}

/**
 * One page request over a sort order: applies cursors, order and limit to a query, and turns the rows
 * it fetched (in query order, one more than the page when there is more) into a connection. Shared by
 * `paginate` (one query) and `paginateBatch` (one query for many parents).
 */
export interface PagePlan<T extends ObjectLiteral> {
  limit: number;
  /** The ORDER BY of the page, as SQL (for window functions). */
  orderSql: string;
  /** The cursor conditions (and the sort keys' parameters), without order or limit. */
  filter(page: SelectQueryBuilder<T>): void;
  apply(page: SelectQueryBuilder<T>): void;
  /** The connection of rows fetched in query order; `raw` holds the row's `rawAlias` sort keys. */
  connection(rows: Array<{ node: T; raw?: Record<string, unknown> }>, count: RowCounter): Connection<T>;
}

export function pagePlan<T extends ObjectLiteral>(keys: readonly SortKey<T>[], args: PageArgs): PagePlan<T> {
  const { limit, backward } = pageSize(args);
  const keyParams: Record<string, unknown> = Object.assign({}, ...keys.map((key) => key.params ?? {}));
  const after = args.after || null; // GitLab's frontend sends after: "" for "from the start"
  const before = args.before || null;
  const afterValues = after ? decodeCursor(keys, after) : null;
  const beforeValues = before ? decodeCursor(keys, before) : null;
  const order = atomicKeys(keys).map((key) => ({
    expr: key.expr,
    direction: backward ? (key.direction === 'ASC' ? 'DESC' : 'ASC') : key.direction,
  }));
  return {
    limit,
    orderSql: order.map((o) => `${o.expr} ${o.direction}`).join(', '),
    filter(page) {
      page.setParameters(keyParams);
      if (afterValues) {
        const c = keysetCondition(keys, afterValues, true, 'pgA');
        page.andWhere(c.sql, c.params);
      }
      if (beforeValues) {
        const c = keysetCondition(keys, beforeValues, false, 'pgB');
        page.andWhere(c.sql, c.params);
      }
    },
    apply(page) {
      this.filter(page);
      order.forEach((o, i) => {
        if (i === 0) page.orderBy(o.expr, o.direction as 'ASC' | 'DESC');
        else page.addOrderBy(o.expr, o.direction as 'ASC' | 'DESC');
      });
      page.limit(limit + 1);
    },
    connection(rows, count) {
      const extra = rows.length > limit;
      const pageRows = rows.slice(0, limit);
      if (backward) pageRows.reverse();
      // Cursors are made when a client reads them: most pages are asked for their nodes alone.
      const cursor = (i: number) => encodeCursor(keys, pageRows[i].node, pageRows[i].raw);
      const pageInfo: PageInfo = {
        hasNextPage: before ? true : !backward && extra,
        hasPreviousPage: after ? true : backward && extra,
        get startCursor() {
          return pageRows.length ? cursor(0) : null;
        },
        get endCursor() {
          return pageRows.length ? cursor(pageRows.length - 1) : null;
        },
      };
      return new Connection(
        pageRows.map((r) => r.node),
        cursor,
        pageInfo,
        count,
      );
    },
  };
}

/** One page of a service's list, counted as the list says. */
export function paginateList<T extends ObjectLiteral>(list: ListQuery<T>, args: PageArgs): Promise<Connection<T>> {
  return paginate(list.qb, list.keys, args, list.countParts ? (limit) => countListRows(list, limit) : undefined);
}

/**
 * Applies cursors, order and limit to `qb` (which holds only the filters) and fetches one page;
 * `count` answers the connection's `count` (by default, over a copy of `qb`).
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  keys: readonly SortKey<T>[],
  args: PageArgs,
  count?: (limit: number | null) => Promise<number>,
): Promise<Connection<T>> {
  const plan = pagePlan(keys, args);
  const countQuery = count ? null : qb.clone();
  const page = qb.clone();
  plan.apply(page);
  let rows: Array<{ node: T; raw?: Record<string, unknown> }> = [];
  if (plan.limit > 0) {
    for (const key of keys) if (key.rawAlias) page.addSelect(key.expr, key.rawAlias);
    const target = singleEntityTarget(page);
    if (target) {
      // One table, no joins: each row is one entity, hydrated as the hot reads are (src/db/rows.ts)
      // rather than through TypeORM's general transformer.
      const [text, params] = page.getQueryAndParameters();
      const raws: Array<Record<string, unknown>> = await page.connection.query(text, params);
      rows = raws.map((raw) => ({ node: hydrate(page.connection, target, raw, page.alias), raw }));
    } else {
      const { entities, raw } = await page.getRawAndEntities();
      rows = entities.map((node, i) => ({ node, raw: raw[i] }));
    }
  }
  return plan.connection(rows, count ?? ((limit) => countRowsOf(countQuery!, limit)));
}
