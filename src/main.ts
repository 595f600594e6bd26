import { createApp } from './app';
import { loadConfig, type Config } from './config';

/**
 * Serves the API until SIGINT or SIGTERM. Then it stops accepting connections, lets the requests in
 * flight finish (up to `LABGATE_SHUTDOWN_TIMEOUT_MS`), closes the database and Redis, and exits 0.
 */
export async function serve(config: Config): Promise<void> {
  const app = await createApp(config);
  const address = await app.listen(config.port, config.host);
  const database = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'PostgreSQL';
  console.log(`Labgate listening on http://${address.address}:${address.port}/api/graphql (database: ${database})`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received: finishing requests in flight, then closing`);
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
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

if (require.main === module) {
  serve(loadConfig()).catch((error) => {
    console.error(`labgate: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
