import DataLoader from 'dataloader';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { findByIds } from './rows';

/**
 * A by-id DataLoader that also answers, without a promise, for ids it has already loaded (`peek`): a
 * resolver over many nodes (each member's user) can then return its value at once when a batch
 * loaded them beforehand.
 */
export class ByIdLoader<T extends { id: number }> extends DataLoader<number, T | null> {
  private readonly known: Map<number, T | null>;

  constructor(load: (ids: readonly number[]) => Promise<T[]>) {
    const known = new Map<number, T | null>();
    super(async (ids) => {
      const rows = await load(ids);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => {
        const row = byId.get(id) ?? null;
        known.set(id, row);
        return row;
      });
    });
    this.known = known;
  }

  /** The row (or null for none) when a batch has loaded it; undefined otherwise (primed rows included). */
  peek(id: number): T | null | undefined {
    return this.known.get(id);
  }

  override clear(id: number): this {
    this.known.delete(id);
    return super.clear(id);
  }

  override clearAll(): this {
    this.known.clear();
    return super.clearAll();
  }
}

/** Batches "find by id" for one entity into a single `IN (...)` query per tick. */
export function byIdLoader<T extends ObjectLiteral & { id: number }>(dataSource: DataSource, entity: EntityTarget<T>): ByIdLoader<T> {
  return new ByIdLoader<T>((ids) => findByIds(dataSource, entity, ids));
}

/** Batches per-key counts: `run` gets the keys and returns `[key, count]` rows for the non-zero ones. */
export function countLoader(run: (keys: readonly number[]) => Promise<Array<{ key: number | string; count: number | string }>>) {
  return new DataLoader<number, number>(async (keys) => {
    const rows = await run(keys);
    const counts = new Map(rows.map((r) => [Number(r.key), Number(r.count)]));
    return keys.map((k) => counts.get(k) ?? 0);
  });
}

/** Seeds a by-id loader with rows a list query already fetched, so later lookups cost nothing. */
export async function primed<T extends { id: number }, C extends { nodes: T[] }>(
  loader: DataLoader<number, T | null>,
  page: Promise<C>,
): Promise<C> {
  const result = await page;
  for (const row of result.nodes) loader.prime(row.id, row);
  return result;
}
