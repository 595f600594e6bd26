import { EventSubscriber, type DataSource, type EntitySubscriberInterface, type InsertEvent, type RemoveEvent, type TransactionCommitEvent, type UpdateEvent } from 'typeorm';
import { PerDataSource } from './timing';

/**
 * How many writes a data source has made: what a request compares to forget, after any write, the
 * abilities it computed before (`RequestContext.memo`), whichever transport and service made the
 * write. Counted from TypeORM's subscriber events: an entity saved, updated or removed, a query
 * builder's insert, update or delete, a transaction committed (`QueryRunner.commitTransaction`). A raw
 * `query()` outside a transaction broadcasts nothing and is not counted.
 *
 * One count per data source, not per request: a write made for another request also makes a request
 * read afresh (never wrong, at worst a repeated check). Bookkeeping that changes no rule is left out:
 * a token's last use and a user's last activity, written on most authenticated requests.
 *
 * (A request's own view of the data source, as the request log's timer uses, could tell whose write
 * it is; writes made outside a request would still need the shared count.)
 */
const counts = new PerDataSource<{ writes: number }>();

function countOf(ds: DataSource): { writes: number } {
  let count = counts.get(ds);
  if (!count) counts.set(ds, (count = { writes: 0 }));
  return count;
}

/** The number of writes made through the data source so far. */
export function writeCount(ds: DataSource): number {
  return countOf(ds).writes;
}

/** Columns written on most requests that no rule reads: their writes are not counted. */
const BOOKKEEPING: Readonly<Record<string, readonly string[]>> = {
  personal_access_tokens: ['lastUsedAt'],
  users: ['lastActivityOn'],
};

function isBookkeeping(event: UpdateEvent<unknown>): boolean {
  const columns = BOOKKEEPING[event.metadata.tableName];
  const values = event.entity as Record<string, unknown> | undefined;
  if (!columns || !values) return false;
  const keys = Object.keys(values);
  return keys.length > 0 && keys.every((key) => columns.includes(key));
}

/** Registered on every data source (db/data-source.ts); TypeORM instantiates only decorated subscribers. */
@EventSubscriber()
export class WriteCounter implements EntitySubscriberInterface {
  afterInsert(event: InsertEvent<unknown>): void {
    countOf(event.connection).writes++;
  }

  afterUpdate(event: UpdateEvent<unknown>): void {
    if (!isBookkeeping(event)) countOf(event.connection).writes++;
  }

  afterRemove(event: RemoveEvent<unknown>): void {
    countOf(event.connection).writes++;
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    countOf(event.connection).writes++;
  }
}
