import DataLoader from 'dataloader';
import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { findByIds } from './rows';

/** Batches "find by id" for one entity into a single `IN (...)` query per tick. */
export function byIdLoader<T extends ObjectLiteral & { id: number }>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
): DataLoader<number, T | null> {
  return new DataLoader<number, T | null>(async (ids) => {
    const rows = await findByIds(dataSource, entity, ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
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
