/**
 * CPU time of the bench's group page request, in this process (issue 25): builds the app on a seeded
 * database and answers the request N times through `app.handle`, reporting CPU ms per request
 * (`process.cpuUsage`, steadier than wall time on a shared machine). With PROFILE=file.cpuprofile, the
 * measured rounds (not the start) are profiled into that file; with ALLOCATIONS=file.heapprofile, what
 * they allocate (sampled).
 *
 *   NODE_ENV=production DATABASE_URL=sqlite:/tmp/bench.sqlite node --max-semi-space-size=32 \
 *     -r ./test/helpers/ts-register.js bench/profile-group-page.ts seed.json [requests per round] [rounds]
 *
 * `seed.json` is what `labgate seed` printed; NODE_ENV and the young generation are those `labgate
 * serve` runs with (bin/labgate.js). PRINT=1 prints the first answer, to compare before and after.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { scenarios } from './scenarios';
import type { SeedSummary } from '../src/cli/seed';

async function main() {
  const [seedFile, runsArg, roundsArg] = process.argv.slice(2);
  const seed = JSON.parse(readFileSync(seedFile, 'utf8')) as SeedSummary;
  const runs = Number(runsArg ?? 40);
  const rounds = Number(roundsArg ?? 3);
  const { createApp } = await import('../src/app');
  const { loadConfig } = await import('../src/config');
  const app = await createApp(loadConfig({}, { databaseUrl: process.env.DATABASE_URL, logLevel: 'silent' }), { migrate: false });
  const scenario = scenarios(seed, 1).find((s) => s.name.startsWith('group page'))!;
  const request = {
    method: 'POST',
    url: '/api/graphql',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${scenario.token}` },
    body: JSON.stringify(scenario.body),
  };
  try {
    const first = await app.handle(request);
    const data = JSON.parse(first.body);
    if (first.status !== 200 || data.errors) throw new Error(first.body.slice(0, 500));
    console.log(scenario.check(data.data));
    if (process.env.PRINT) console.log(first.body);
    for (let i = 0; i < 10; i++) await app.handle(request);
    const session = process.env.PROFILE || process.env.ALLOCATIONS ? new Session() : null;
    session?.connect();
    if (process.env.PROFILE) {
      await session!.post('Profiler.enable');
      await session!.post('Profiler.start');
    }
    if (process.env.ALLOCATIONS) await session!.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    for (let r = 0; r < rounds; r++) {
      const start = process.cpuUsage();
      for (let i = 0; i < runs; i++) await app.handle(request);
      const used = process.cpuUsage(start);
      console.log(`round ${r + 1}: ${((used.user + used.system) / 1000 / runs).toFixed(2)} CPU ms per request (${runs} requests)`);
    }
    if (process.env.PROFILE) {
      const { profile } = await session!.post('Profiler.stop');
      writeFileSync(process.env.PROFILE, JSON.stringify(profile));
    }
    if (process.env.ALLOCATIONS) {
      const { profile } = await session!.post('HeapProfiler.stopSampling');
      writeFileSync(process.env.ALLOCATIONS, JSON.stringify(profile));
    }
  } finally {
    await app.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
