/**
 * The attacker of `npm run bench`'s "attacks" group, in a process of its own. It reads one job as
 * JSON from argv[2]:
 *
 *   { url, payload, token?, attackers, seconds, vary?, idleConnections? }
 *
 * `attackers` clients send `payload` (a JSON request body, a batch or not) back to back for `seconds`
 * seconds; with `vary`, each request replaces `VARY` in it by a new number (a new document every
 * time, which no cache has seen). With `idleConnections`, it instead opens that many TCP connections
 * from 127.0.0.1 and sends nothing. Meanwhile a probe, `{ __typename }` from another address
 * (127.0.0.2), is sent every 50 ms: how long it waits is what an innocent client sees. Prints one JSON
 * line.
 */
import http from 'node:http';
import net from 'node:net';

interface Job {
  url: string;
  payload: string;
  token?: string;
  attackers: number;
  seconds: number;
  vary?: boolean;
  idleConnections?: number;
}

export interface AttackResult {
  attackRequests: number;
  /** Answers by HTTP status (0: the connection failed). */
  statuses: Record<string, number>;
  attackP50: number;
  attackMax: number;
  /** Bytes of the largest answer. */
  largestAnswer: number;
  probes: number;
  probeFailures: number;
  probeP50: number;
  probeMax: number;
  /** Idle connections the server closed before the end of the run. */
  idleClosed?: number;
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);

function send(target: URL, agent: http.Agent, body: string, token: string | undefined, localAddress?: string): Promise<{ status: number; bytes: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = http.request({ agent, method: 'POST', hostname: target.hostname, port: target.port, path: target.pathname, headers, localAddress }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes, ms: performance.now() - started }));
      res.on('error', () => resolve({ status: 0, bytes, ms: performance.now() - started }));
    });
    req.on('error', () => resolve({ status: 0, bytes: 0, ms: performance.now() - started }));
    req.end(body);
  });
}

async function run(job: Job): Promise<AttackResult> {
  const target = new URL(job.url);
  const until = performance.now() + job.seconds * 1000;
  const statuses: Record<string, number> = {};
  const attackTimes: number[] = [];
  let largestAnswer = 0;
  let counter = 0;

  const sockets: net.Socket[] = [];
  let idleClosed = 0;
  if (job.idleConnections) {
    for (let i = 0; i < job.idleConnections; i++) {
      const socket = net.connect({ host: target.hostname, port: Number(target.port), localAddress: '127.0.0.1' });
      socket.on('error', () => undefined);
      socket.once('close', () => (idleClosed += 1));
      sockets.push(socket);
    }
  }

  const attacker = async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (performance.now() < until) {
      const body = job.vary ? job.payload.replace(/VARY/g, String((counter += 1))) : job.payload;
      const answer = await send(target, agent, body, job.token, '127.0.0.1');
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      attackTimes.push(answer.ms);
      largestAnswer = Math.max(largestAnswer, answer.bytes);
    }
    agent.destroy();
  };

  const probeTimes: number[] = [];
  let probeFailures = 0;
  const probe = async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // Let the attack start first.
    await new Promise((resolve) => setTimeout(resolve, 200));
    while (performance.now() < until) {
      const answer = await send(target, agent, '{"query":"{ __typename }"}', undefined, '127.0.0.2');
      if (answer.status === 200) probeTimes.push(answer.ms);
      else probeFailures += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    agent.destroy();
  };

  const attackers = job.idleConnections ? [new Promise((resolve) => setTimeout(resolve, job.seconds * 1000))] : Array.from({ length: job.attackers }, attacker);
  await Promise.all([...attackers, probe()]);
  for (const socket of sockets) socket.destroy();

  attackTimes.sort((a, b) => a - b);
  probeTimes.sort((a, b) => a - b);
  return {
    attackRequests: attackTimes.length,
    statuses,
    attackP50: percentile(attackTimes, 50),
    attackMax: attackTimes[attackTimes.length - 1] ?? 0,
    largestAnswer,
    probes: probeTimes.length,
    probeFailures,
    probeP50: percentile(probeTimes, 50),
    probeMax: probeTimes[probeTimes.length - 1] ?? 0,
    ...(job.idleConnections ? { idleClosed } : {}),
  };
}

run(JSON.parse(process.argv[2]) as Job).then(
  (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
