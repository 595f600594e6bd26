/**
 * The load generator of `npm run bench`, run as its own process so that its CPU does not land on the
 * server's. It reads one job as JSON from argv[2]:
 *
 *   { url, body, token?, seconds, concurrency }
 *
 * runs `concurrency` workers, each sending the same POST over a kept-alive connection (`node:http` with a
 * keep-alive agent: Node's fetch costs several times more CPU per request and would cap the baseline) back to back for `seconds` seconds after a short warm-up, and prints one JSON line:
 * requests, errors, req/s, latency percentiles in milliseconds, and the first error seen.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';

interface Job {
  url: string;
  body: { query: string; variables?: Record<string, unknown> };
  token?: string;
  seconds: number;
  concurrency: number;
  /** The server's process id: its CPU time over the measured seconds is reported per request. */
  serverPid?: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /**
   * CPU time the server process spent (all its threads, user and system) per request answered, in
   * milliseconds: unlike req/s, hardly moved by other work on the machine taking cores away.
   */
  cpuMs?: number;
  firstError?: string;
}

/** CPU time of a process so far in milliseconds (utime + stime of /proc/PID/stat), undefined without /proc. */
function cpuTimeMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc's times (`getconf CLK_TCK`: 100 on Linux). */
const CLOCK_TICKS = 100;

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(job: Job): Promise<LoadResult> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (job.token) headers.authorization = `Bearer ${job.token}`;
  const payload = JSON.stringify(job.body);
  let firstError: string | undefined;

  const target = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.concurrency });
  const body = Buffer.from(payload);
  const options: http.RequestOptions = {
    agent,
    method: 'POST',
    hostname: target.hostname,
    port: target.port,
    path: `${target.pathname}${target.search}`,
    headers: { ...headers, 'content-length': String(body.length) },
  };

  function once(): Promise<boolean> {
    return new Promise((resolve) => {
      const req = http.request(options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200 || text.includes('"errors"')) {
            firstError ??= `HTTP ${res.statusCode}: ${text.slice(0, 300)}`;
            resolve(false);
          } else resolve(true);
        });
        res.on('error', (error) => {
          firstError ??= error.message;
          resolve(false);
        });
      });
      req.on('error', (error) => {
        firstError ??= error.message;
        resolve(false);
      });
      req.end(body);
    });
  }

  // Warm-up: open the connections and let both sides compile their hot paths; not measured.
  const warmUntil = performance.now() + Math.min(1000, job.seconds * 250);
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < warmUntil) await once();
    }),
  );
  firstError = undefined;

  const latencies: number[] = [];
  let errors = 0;
  const cpuBefore = cpuTimeMs(job.serverPid);
  const started = performance.now();
  const deadline = started + job.seconds * 1000;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const ok = await once();
        latencies.push(performance.now() - t0);
        if (!ok) errors += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuAfter = cpuTimeMs(job.serverPid);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    ...(cpuBefore !== undefined && cpuAfter !== undefined && latencies.length ? { cpuMs: (cpuAfter - cpuBefore) / latencies.length } : {}),
    ...(firstError ? { firstError } : {}),
  };
}

if (require.main === module) {
  const job = JSON.parse(process.argv[2] ?? '{}') as Job;
  run(job).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error: Error) => {
      process.stderr.write(`${error.stack ?? error.message}\n`);
      process.exit(1);
    },
  );
}
