/**
 * Fails when the entities and the migrations disagree: runs every migration on a fresh database
 * (a throw-away database on DATABASE_URL's server, or an in-memory PGlite), then asks TypeORM
 * what it would still change — the same diff `migration:generate --check` uses.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { createScratchDatabase } from '../src/database/scratch-database.js';

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) return createScratchDatabase(serverUrl, 'tasknest_migrations');
  const embedded = await startEmbeddedPostgres({ dataDir: null });
  return { url: embedded.url, drop: () => embedded.stop() };
}

const database = await freshDatabase();
const dataSource = new DataSource({ ...buildDataSourceOptions({ url: database.url, poolSize: 1 }), migrationsRun: false });
let drift: string[];
try {
  await dataSource.initialize();
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  const pending = await dataSource.driver.createSchemaBuilder().log();
  drift = pending.upQueries.map((query) => query.query);
  process.stdout.write(`applied ${applied.length} migration(s) on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}\n`);
  // The down migrations must undo everything too.
  for (let i = 0; i < applied.length; i += 1) await dataSource.undoLastMigration({ transaction: 'each' });
  await dataSource.runMigrations({ transaction: 'each' });
} finally {
  if (dataSource.isInitialized) await dataSource.destroy();
  await database.drop();
}

if (drift.length > 0) {
  process.stderr.write(`Entities and migrations disagree; a new migration needs:\n${drift.map((query) => `  ${query};`).join('\n')}\n`);
  process.exit(1);
}
process.stdout.write('entities and migrations agree\n');
