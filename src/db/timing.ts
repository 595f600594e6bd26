import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource } from 'typeorm';
import { aroundEachQuery } from './adapters/query-runners';

/**
 * Database time per request, for the request log. TypeORM reports no duration for a query that is
 * not slow, so each query runner's `query` is timed here, and the time is added to whichever request
 * the query runs for (found through AsyncLocalStorage, since requests interleave on one process).
 */
const current = new AsyncLocalStorage<{ dbMs: number }>();

/** Runs `work` as one request, and returns its result with the database time it spent. */
export async function measureDbTime<T>(work: () => Promise<T>): Promise<{ result: T; dbMs: number }> {
  const store = { dbMs: 0 };
  const result = await current.run(store, work);
  return { result, dbMs: Math.round(store.dbMs * 100) / 100 };
}

/** Adds the time of a query run outside TypeORM's query runners to the current request's. */
export function addDbTime(ms: number): void {
  const store = current.getStore();
  if (store) store.dbMs += ms;
}

/** Times every query of the data source's runners (installed once per data source). */
export function timeQueries(dataSource: DataSource): void {
  aroundEachQuery(dataSource, 'timing', async (query, args) => {
    const store = current.getStore();
    if (!store) return query(...args);
    const started = performance.now();
    try {
      return await query(...args);
    } finally {
      store.dbMs += performance.now() - started;
    }
  });
}
