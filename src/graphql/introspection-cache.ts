import { INTROSPECTION_CACHE_BYTES, INTROSPECTION_CACHE_ENTRIES } from './limits';

/**
 * The answers of introspection operations, by document, operation name and variables. They depend
 * on nothing but the schema, so one endpoint (one schema) serves each from here after computing it
 * once: graphql-js runs introspection synchronously, and a large answer would otherwise hold the
 * event loop on every request. The least recently used go first past the entry or byte bound.
 */
export class IntrospectionCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = INTROSPECTION_CACHE_ENTRIES,
    private readonly maxBytes = INTROSPECTION_CACHE_BYTES,
  ) {}

  static key(query: string, operationName: unknown, variables: unknown): string | null {
    let vars: string;
    try {
      vars = JSON.stringify(variables ?? {});
    } catch {
      return null;
    }
    return `${typeof operationName === 'string' ? operationName : ''}\u0000${vars}\u0000${query}`;
  }

  get(key: string): string | undefined {
    const body = this.entries.get(key);
    if (body !== undefined) {
      // Map keeps insertion order: moving the entry to the end marks it as just used.
      this.entries.delete(key);
      this.entries.set(key, body);
    }
    return body;
  }

  set(key: string, body: string): void {
    if (body.length > this.maxBytes || this.entries.has(key)) return;
    while (this.entries.size >= this.maxEntries || this.bytes + body.length > this.maxBytes) {
      const [oldest, old] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.bytes -= old.length;
    }
    this.entries.set(key, body);
    this.bytes += body.length;
  }

  get size(): number {
    return this.entries.size;
  }
}
