import 'reflect-metadata';
import { loadConfig } from './src/config';
import { createDataSource } from './src/db/data-source';

/**
 * The data source for TypeORM's own command line (for example
 * `npx typeorm migration:show -d dist/ormconfig.js` after `npm run build`), read from DATABASE_URL like
 * the server. Labgate itself migrates with `labgate migrate` or on start.
 */
export default createDataSource(loadConfig().databaseUrl);
