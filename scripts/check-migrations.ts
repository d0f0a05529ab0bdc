/**
 * Fails when the entities and the migrations disagree: runs every migration on a fresh database
 * (a throw-away database on DATABASE_URL's server, or an in-memory PGlite), then asks TypeORM
 * what it would still change — the same diff `migration:generate --check` uses.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';

async function freshDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ dataDir: null });
    return { url: embedded.url, drop: () => embedded.stop() };
  }
  const name = `tasknest_migrations_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
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
