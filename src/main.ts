import { createApp } from './app';
import { loadConfig, type Config } from './config';

/** Serves the API until SIGINT or SIGTERM, then closes the server and the database. */
export async function serve(config: Config): Promise<void> {
  const app = await createApp(config);
  const address = await app.listen(config.port, config.host);
  const database = config.databaseUrl.startsWith('sqlite:') ? config.databaseUrl : 'PostgreSQL';
  console.log(`Labgate listening on http://${address.address}:${address.port}/api/graphql (database: ${database})`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, shutting down`);
    await app.close();
    process.exit(0);
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
