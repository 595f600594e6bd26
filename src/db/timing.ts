import type { DataSource } from 'typeorm';
import { dataSourceView, viewedDataSource } from './adapters/query-runners';

/**
 * Database time per request, for the request log, without AsyncLocalStorage (which hooks every
 * promise of the process: it cost the smallest requests a third of their throughput).
 *
 * A timed request reads the database through a view of the data source of its own
 * (`timedDataSource`, made by `core/context.ts`'s `requestCore`): the data source itself, except that
 * every statement run through the view's query runners adds its time to the request's timer. Every
 * statement of TypeORM goes through such a runner (query builders, repositories, entity managers,
 * transactions, `query`), and the hot reads of db/rows.ts, which skip TypeORM, add theirs with
 * `addDbTime`. A view is another object than the data source: what is kept per data source is kept in
 * a `PerDataSource`, which sees through views.
 */

/** Where a request's database time goes: its trace's `dbMs`, in milliseconds. */
export interface DbTimer {
  dbMs?: number;
}

const TIMER = Symbol('labgate.dbTimer');

/**
 * A cache or a count kept per data source, shared by the data source and every request's view of it.
 * Use it, never a WeakMap keyed by a DataSource (test/unit/library-adapters.test.ts fails on one).
 */
export class PerDataSource<T> {
  private readonly values = new WeakMap<object, T>();

  get(dataSource: DataSource): T | undefined {
    return this.values.get(viewedDataSource(dataSource));
  }

  set(dataSource: DataSource, value: T): void {
    this.values.set(viewedDataSource(dataSource), value);
  }

  has(dataSource: DataSource): boolean {
    return this.values.has(viewedDataSource(dataSource));
  }
}

/** Adds the time of a statement run outside TypeORM to the request reading through `dataSource`, if timed. */
export function addDbTime(dataSource: DataSource, ms: number): void {
  const timer = (dataSource as DataSource & { [TIMER]?: DbTimer })[TIMER];
  if (timer) timer.dbMs = (timer.dbMs ?? 0) + ms;
}

/** The data source as one timed request sees it: each statement's time is added to `timer`. */
export function timedDataSource(dataSource: DataSource, timer: DbTimer): DataSource {
  const view = dataSourceView(dataSource, async (query, args) => {
    const started = performance.now();
    try {
      return await query(...args);
    } finally {
      timer.dbMs = (timer.dbMs ?? 0) + performance.now() - started;
    }
  });
  (view as DataSource & { [TIMER]?: DbTimer })[TIMER] = timer;
  return view;
}
