import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { createScratchDatabase } from '../../src/database/scratch-database.js';

async function migrate(url: string): Promise<void> {
  const dataSource = new DataSource({ ...buildDataSourceOptions({ url, poolSize: 1 }), migrationsRun: false });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await dataSource.destroy();
  }
}

/**
 * initdb and the migrations run once per run, not once per test app: every test file starts from a
 * copy of one migrated database (its own app then finds nothing left to migrate). On PGlite the
 * saved cluster is loaded into a fresh in-memory PGlite; on PostgreSQL (DATABASE_URL) a template
 * database is copied with CREATE DATABASE … TEMPLATE. global-teardown.ts removes both.
 */
export default async function globalSetup(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const template = await createScratchDatabase(serverUrl, 'tasknest_e2e_template');
    await migrate(template.url);
    process.env.TASKNEST_PG_TEMPLATE = template.name;
    return;
  }
  const embedded = await startEmbeddedPostgres({ dataDir: null });
  try {
    await migrate(embedded.url);
    const file = join(tmpdir(), `tasknest-pglite-template-${process.pid}.tar`);
    await writeFile(file, Buffer.from(await (await embedded.dumpDataDir()).arrayBuffer()));
    process.env.TASKNEST_PGLITE_TEMPLATE = file;
  } finally {
    await embedded.stop();
  }
}
