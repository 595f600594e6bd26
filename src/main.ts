import cluster from 'node:cluster';
import { createApp } from './app';
import { shareThrottleWithWorkers } from './auth/auth-throttle';
import { loadConfig, type Config } from './config';
import { answerWorkerMetrics } from './http/metrics';
import { stopWhenLauncherGoes } from './process-chain';

/**
 * Serves the API until SIGINT or SIGTERM. Then it stops accepting connections, lets the requests in
 * flight finish (up to `LABGATE_SHUTDOWN_TIMEOUT_MS`), closes the database and Redis, and exits 0.
 * With `workers` above 1 the process becomes a supervisor: Node's cluster module runs that many
 * workers sharing the port, each with its own database pool, and passes the signal on to them.
 */
export async function serve(config: Config): Promise<void> {
  if (config.workers > 1 && cluster.isPrimary) return supervise(config);
  const app = await createApp(config);
  const address = await app.listen(config.port, config.host);
  const database = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'PostgreSQL';
  const who = cluster.isWorker ? `worker ${cluster.worker?.id} ` : '';
  console.error(`Labgate ${who}listening on http://${address.address}:${address.port}/api/graphql (database: ${database})`);
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    console.error(`${reason}: finishing requests in flight, then closing`);
    const deadline = setTimeout(() => {
      console.error(`labgate: requests still running after ${config.shutdownTimeoutMs} ms; exiting anyway`);
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    try {
      await app.close();
      process.exit(0);
    } catch (error) {
      console.error(`labgate: shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT received'));
  process.on('SIGTERM', () => void stop('SIGTERM received'));
  watchParent(() => void stop('the labgate command exited'));
  if (!cluster.isWorker) stopWhenLauncherGoes((why) => void stop(`Stopping: ${why}`));
}

/**
 * Run by bin/labgate.js as its child (to size the heap, see there): if that process dies without
 * passing a signal on, the IPC channel closes, and the server stops as it would on SIGTERM instead
 * of running on unsupervised. The channel itself does not keep the process alive.
 */
function watchParent(stop: () => void): void {
  if (cluster.isWorker || process.env.LABGATE_SUPERVISED !== '1' || !process.channel) return;
  process.channel.unref();
  process.once('disconnect', stop);
}

/** The supervisor of `--workers N`: starts the workers, restarts none, and stops them all together. */
async function supervise(config: Config): Promise<void> {
  // Migrations run once, here, before any worker opens the database.
  const { createCore } = await import('./app');
  const core = await createCore(config);
  await core.dataSource.destroy();

  let stopping = false;
  let failed = false;
  answerWorkerMetrics();
  const workerEnv = shareThrottleWithWorkers(config);
  for (let i = 0; i < config.workers; i += 1) cluster.fork(workerEnv);
  cluster.on('exit', (worker, code) => {
    if (!stopping) {
      // A worker that dies on its own takes the service down with it, loudly, rather than limping on.
      console.error(`labgate: worker ${worker.id} exited with ${code}; stopping`);
      failed = true;
      stopAll();
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(failed ? 1 : 0);
  });
  function stopAll(): void {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  }
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  watchParent(stopAll);
  stopWhenLauncherGoes((why) => {
    console.error(`Stopping: ${why}`);
    stopAll();
  });
}

if (require.main === module) {
  serve(loadConfig()).catch((error) => {
    console.error(`labgate: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
