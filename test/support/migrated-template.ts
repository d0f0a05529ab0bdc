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
 * Run by global-setup.ts in a child process (jest's globalSetup cannot import the app's TypeScript):
 * makes one migrated database and prints where it is, as JSON on the last line of stdout.
 */
async function prepare(): Promise<{ pgTemplate?: string; pgliteTemplate?: string }> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const template = await createScratchDatabase(serverUrl, 'tasknest_e2e_template');
    await migrate(template.url);
    return { pgTemplate: template.name };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: null });
  try {
    await migrate(embedded.url);
    const file = join(tmpdir(), `tasknest-pglite-template-${process.pid}.tar`);
    await writeFile(file, Buffer.from(await (await embedded.dumpDataDir()).arrayBuffer()));
    return { pgliteTemplate: file };
  } finally {
    await embedded.stop();
  }
}

process.stdout.write(`${JSON.stringify(await prepare())}\n`);
