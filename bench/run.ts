/**
 * `npm run bench`: load benchmarks over real HTTP on a seeded database, with goals.
 *
 * Seeds a world (groups, projects, users, memberships, tokens), starts Labgate on a free port and drives
 * each scenario with a fixed number of concurrent clients for a few seconds. Prints requests per second,
 * latency percentiles, SQL statements per request and memory, and checks each scenario against its goal.
 *
 *   npm run bench                         # embedded SQLite (a temporary file)
 *   DATABASE_URL=postgres://... npm run bench   # a fresh PostgreSQL database on that server
 *   BENCH_SECONDS=10 BENCH_CONCURRENCY=16 npm run bench
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createApp, type App } from '../src/app';
import { loadConfig } from '../src/config';
import { RequestContext } from '../src/graphql/context';
import type { User } from '../src/modules/user/user.entity';

interface Scenario {
  name: string;
  /** Goal: requests per second at least this, and p95 latency (ms) at most this. */
  goal: { rps: number; p95: number };
  body: () => { query: string; variables?: Record<string, unknown> };
  token: () => string | undefined;
}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function freshDatabaseUrl(): Promise<{ url: string; cleanup: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (base && /^postgres/.test(base)) {
    const name = `labgate_bench_${process.pid}`;
    const admin = new Client({ connectionString: base });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      cleanup: async () => {
        const c = new Client({ connectionString: base });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'labgate-bench-'));
  return { url: `sqlite:${path.join(dir, 'bench.sqlite')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function seed(app: App) {
  const ctx = new RequestContext(app, null, { system: true });
  const s = app.services;
  const people: User[] = [];
  for (let i = 0; i < 200; i += 1) people.push(await s.users.create(ctx, { username: `user${i}`, name: `User ${i}` }));
  const admin = await s.users.create(ctx, { username: 'root', admin: true });
  for (let g = 0; g < 20; g += 1) {
    const group = await s.groups.create(ctx, { path: `group${g}`, visibility: g % 2 ? 'internal' : 'private' }, people[g]);
    for (let sg = 0; sg < 3; sg += 1) {
      const sub = await s.groups.create(ctx, { path: `sub${sg}`, parentFullPath: group.fullPath, visibility: g % 2 ? 'internal' : 'private' });
      for (let p = 0; p < 15; p += 1) {
        const project = await s.projects.create(ctx, { path: `project${p}`, namespace: sub.fullPath, visibility: p % 3 && g % 2 ? 'internal' : 'private' });
        if (p % 5 === 0) {
          await s.members.add(ctx, { kind: 'Project', project }, people[(g * 7 + p + 50) % 200], 30, null).catch(() => undefined);
        }
        if (p === 0) {
          await s.resourceTokens.create(ctx, { kind: 'project', project }, { name: 'ci', scopes: ['read_api'], accessLevel: 20 });
        }
      }
    }
    for (let m = 0; m < 10; m += 1) {
      const user = people[(g * 13 + m + 21) % 200];
      if (user.id !== people[g].id) await s.members.add(ctx, { kind: 'Namespace', group }, user, 20, null).catch(() => undefined);
    }
  }
  const viewer = people[3];
  const viewerToken = (await s.tokens.createPersonal(ctx, viewer, { name: 'bench', scopes: ['api'] })).secret;
  const adminToken = (await s.tokens.createPersonal(ctx, admin, { name: 'bench', scopes: ['api'] })).secret;
  return { viewerToken, adminToken };
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function drive(url: string, scenario: Scenario, statements: { count: number }) {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + SECONDS * 1000;
  const before = statements.count;
  async function client() {
    while (Date.now() < deadline) {
      const token = scenario.token();
      const started = performance.now();
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(scenario.body()),
      });
      const json = (await res.json()) as { errors?: unknown };
      latencies.push(performance.now() - started);
      if (res.status !== 200 || json.errors) errors += 1;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    rps: latencies.length / SECONDS,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    errors,
    sqlPerRequest: (statements.count - before) / Math.max(1, latencies.length),
  };
}

async function main() {
  const db = await freshDatabaseUrl();
  const statements = { count: 0 };
  const config = loadConfig({ ...process.env, DATABASE_URL: db.url }, { logErrors: true });
  const app = await createApp(config, { onQuery: () => (statements.count += 1) });
  try {
    const seededAt = Date.now();
    const { viewerToken, adminToken } = await seed(app);
    console.log(`seeded in ${((Date.now() - seededAt) / 1000).toFixed(1)} s (${config.databaseUrl.startsWith('sqlite') ? 'SQLite' : 'PostgreSQL'})`);
    const address = await app.listen(0, '127.0.0.1');
    const url = `http://127.0.0.1:${address.port}/api/graphql`;

    const scenarios: Scenario[] = [
      {
        name: 'echo, anonymous',
        goal: { rps: 800, p95: 25 },
        body: () => ({ query: '{ echo(text: "hi") }' }),
        token: () => undefined,
      },
      {
        name: 'currentUser, token auth',
        goal: { rps: 500, p95: 40 },
        body: () => ({ query: '{ currentUser { id username name } }' }),
        token: () => viewerToken,
      },
      {
        name: 'project by path with permissions',
        goal: { rps: 300, p95: 60 },
        body: () => ({
          query: 'query($p: ID!) { project(fullPath: $p) { id name nameWithNamespace maxAccessLevel { stringValue } userPermissions { readProject pushCode adminProject } } }',
          variables: { p: `group${Math.floor(Math.random() * 20)}/sub1/project${1 + Math.floor(Math.random() * 14)}` },
        }),
        token: () => viewerToken,
      },
      {
        name: 'projects list, 20 with relations',
        goal: { rps: 100, p95: 150 },
        body: () => ({
          query: `{ projects(first: 20, sort: "name_asc") { count nodes { id fullPath nameWithNamespace namespace { fullPath }
            group { fullPath parent { fullPath } } maxAccessLevel { integerValue } userPermissions { readProject pushCode } } } }`,
        }),
        token: () => viewerToken,
      },
      {
        name: 'group members (direct + inherited), 50',
        goal: { rps: 100, p95: 150 },
        body: () => ({
          query: 'query($g: ID!) { group(fullPath: $g) { groupMembers(first: 50) { nodes { id accessLevel { integerValue } user { username name } } } } }',
          variables: { g: `group${Math.floor(Math.random() * 20)}/sub0` },
        }),
        token: () => adminToken,
      },
      {
        name: 'project access tokens list',
        goal: { rps: 200, p95: 80 },
        body: () => ({
          query: 'query($p: ID!) { project(fullPath: $p) { accessTokens { count nodes { name active accessLevel { integerValue } user { username } } } } }',
          variables: { p: `group${Math.floor(Math.random() * 20)}/sub2/project0` },
        }),
        token: () => adminToken,
      },
    ];

    const rows: string[] = [];
    let failed = 0;
    for (const scenario of scenarios) {
      const r = await drive(url, scenario, statements);
      const ok = r.errors === 0 && r.rps >= scenario.goal.rps && r.p95 <= scenario.goal.p95;
      if (!ok) failed += 1;
      rows.push(
        `| ${scenario.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.sqlPerRequest.toFixed(1)} | ${r.errors} | ≥${scenario.goal.rps} rps, p95 ≤${scenario.goal.p95} ms: ${ok ? 'met' : 'MISSED'} |`,
      );
    }
    const memory = process.memoryUsage();
    console.log(`\n${CONCURRENCY} concurrent clients, ${SECONDS} s per scenario, Node ${process.version}, ${os.cpus().length} cores\n`);
    console.log('| scenario | req/s | p50 ms | p95 ms | p99 ms | SQL/req | errors | goal |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const row of rows) console.log(row);
    console.log(`\nmemory after run: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap used ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`);
    process.exitCode = failed ? 1 : 0;
  } finally {
    await app.close();
    await db.cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
