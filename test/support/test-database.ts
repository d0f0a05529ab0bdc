import { readFile } from 'node:fs/promises';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';
import { createScratchDatabase } from '../../src/database/scratch-database.js';

export interface TestDatabase {
  url: string;
  poolSize: number;
  /** True on PGlite: one session, so no real concurrency inside the database. */
  embedded: boolean;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file, already migrated: a copy of global-setup's template
 * database on the server named by DATABASE_URL, or else an in-memory PGlite restored from the
 * migrated cluster global-setup saved.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const scratch = await createScratchDatabase(serverUrl, 'tasknest_e2e', process.env.TASKNEST_PG_TEMPLATE);
    return { url: scratch.url, poolSize: 10, embedded: false, drop: () => scratch.drop() };
  }
  const template = process.env.TASKNEST_PGLITE_TEMPLATE;
  const loadDataDir = template ? new Blob([await readFile(template)]) : undefined;
  const embedded = await startEmbeddedPostgres({ dataDir: null, loadDataDir });
  return { url: embedded.url, poolSize: 1, embedded: true, drop: () => embedded.stop() };
}
