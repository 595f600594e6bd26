import type { KeyValueCache } from '@apollo/utils.keyvaluecache';
import { PERSISTED_QUERY_CACHE_ENTRIES } from './limits';

/**
 * The store of Apollo's automatic persisted queries, shared with Apollo Server (its `persistedQueries`
 * cache). The endpoint reads it too: an operation that names a stored hash without its text gets the
 * text here before the query limits, the GET rule for mutations and the rest of Labgate's checks run,
 * so that a stored query is checked for each caller as if it had been sent in full. Apollo then
 * answers "not found" and "provided sha does not match query" in its own words.
 *
 * Bounded by entries, the least recently used dropped first (a Map keeps insertion order).
 */
export class PersistedQueryStore implements KeyValueCache<string> {
  private readonly entries = new Map<string, string>();

  constructor(private readonly maxEntries = PERSISTED_QUERY_CACHE_ENTRIES) {}

  async get(key: string): Promise<string | undefined> {
    return this.read(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  async delete(key: string): Promise<boolean> {
    return this.entries.delete(key);
  }

  /** The text stored for a hash, as Apollo stores it (under its `apq:` prefix). */
  queryFor(sha256Hash: string): string | undefined {
    return this.read(`${APOLLO_APQ_PREFIX}${sha256Hash}`);
  }

  private read(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
}

/** The prefix Apollo Server puts before a hash in its persisted-query cache (`APQ_CACHE_PREFIX`). */
const APOLLO_APQ_PREFIX = 'apq:';

/** The hash an operation names in `extensions.persistedQuery`, if it is shaped as Apollo's link sends it. */
export function persistedQueryHash(extensions: unknown): string | undefined {
  if (typeof extensions !== 'object' || extensions === null) return undefined;
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } }).persistedQuery;
  return typeof persisted?.sha256Hash === 'string' ? persisted.sha256Hash : undefined;
}
