import type { DataSource } from 'typeorm';
import { PerDataSource } from './timing';
import { sqliteDatabase } from './adapters/driver-connections';
import { aroundEachQuery } from './adapters/query-runners';
import { SQLITE_TURN_MS } from '../core/limits';

/*
 * SQLite (better-sqlite3) runs every statement on the main thread, and the promises around them
 * resolve as microtasks: a request that runs many statements holds the event loop from its first to
 * its last, and every other request (the smallest `{ __typename }` included) waits behind it. Here
 * a statement that would start more than `SQLITE_TURN_MS` after the last turn first waits one turn of
 * the event loop (`setImmediate`), so that the work of one request is cut into slices with other
 * requests' work, and network input, in between. PostgreSQL's statements wait on the network anyway.
 * Never inside a transaction: the one connection would then run other requests' statements in it.
 */

let turnStarted = 0;
const sharing = new PerDataSource<true>();

/**
 * Undefined (go on at once) while the current slice is young or a transaction is open; otherwise a
 * promise that resolves after one turn of the event loop.
 */
export function takeTurn(dataSource: DataSource): Promise<void> | undefined {
  if (!sharing.has(dataSource) || performance.now() - turnStarted < SQLITE_TURN_MS) return undefined;
  const connection = sqliteDatabase(dataSource);
  if (!connection || connection.inTransaction) return undefined;
  return new Promise((resolve) => {
    setImmediate(() => {
      turnStarted = performance.now();
      resolve();
    });
  });
}

/** Makes the statements of a SQLite data source take turns (a server calls it; the CLI does not need it). */
export function shareMainThread(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3' || sharing.has(dataSource)) return;
  sharing.set(dataSource, true);
  aroundEachQuery(dataSource, 'turns', async (query, args) => {
    const turn = takeTurn(dataSource);
    if (turn) await turn;
    return query(...args);
  });
}
