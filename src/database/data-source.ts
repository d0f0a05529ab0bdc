import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config.js';
import { buildDataSourceOptions } from './data-source-options.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

/**
 * For the TypeORM CLI (`npm run migration:*`). With DATABASE_URL unset it uses the same embedded
 * PGlite data directory as `npm start` (stop the server first: PGlite is single-process).
 */
const config = loadConfig();
const url = config.databaseUrl ?? (await startEmbeddedPostgres({ dataDir: config.dataDir })).url;

export default new DataSource({
  ...buildDataSourceOptions({ url, poolSize: config.databaseUrl ? 2 : 1 }),
  migrationsRun: false,
});
