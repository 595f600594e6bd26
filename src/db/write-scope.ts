import { AsyncLocalStorage } from 'node:async_hooks';
import { EventSubscriber, type EntitySubscriberInterface } from 'typeorm';

/**
 * Who is told when a write happens: the request (or command) the write is made for. A request runs
 * its work inside `observeWrites`, and every write TypeORM makes on its behalf (an entity saved,
 * updated or removed, a query builder's insert, update or delete, a transaction committed), whichever
 * transport started it, calls its `afterWrite`. The request context forgets there what it computed
 * before the write (abilities, memberships), so a rule checked after a write reads the world afresh.
 *
 * Relies on TypeORM broadcasting its subscriber events for repository and query-builder writes and
 * for `QueryRunner.commitTransaction` (a raw `query()` broadcasts nothing: a raw write outside a
 * transaction is not noticed).
 */
export interface WriteObserver {
  afterWrite(): void;
}

const observers = new AsyncLocalStorage<WriteObserver>();

/** Runs `work` with `observer` told of every write made inside it (including what it awaits). */
export function observeWrites<T>(observer: WriteObserver, work: () => T): T {
  return observers.run(observer, work);
}

function noteWrite(): void {
  observers.getStore()?.afterWrite();
}

/**
 * Registered on every data source (db/data-source.ts): turns TypeORM's write events into `afterWrite`.
 * TypeORM instantiates only subscriber classes marked with its decorator.
 */
@EventSubscriber()
export class WriteNotifier implements EntitySubscriberInterface {
  afterInsert(): void {
    noteWrite();
  }

  afterUpdate(): void {
    noteWrite();
  }

  afterRemove(): void {
    noteWrite();
  }

  afterSoftRemove(): void {
    noteWrite();
  }

  afterRecover(): void {
    noteWrite();
  }

  afterTransactionCommit(): void {
    noteWrite();
  }
}
