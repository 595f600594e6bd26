import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * A database of the test's own. With `DATABASE_URL=postgres://...` a fresh PostgreSQL database is
 * created on that server (and dropped afterwards); otherwise an in-memory SQLite database.
 */
export interface TestDatabase {
  url: string;
  kind: 'sqlite' | 'postgres';
  drop(): Promise<void>;
}

export function usingPostgres(): boolean {
  return /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL ?? '';
  if (!usingPostgres()) return { url: 'sqlite::memory:', kind: 'sqlite', drop: async () => undefined };
  const name = `labgate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    kind: 'postgres',
    async drop() {
      const client = new Client({ connectionString: base });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
