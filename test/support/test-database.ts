import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

export interface TestDatabase {
  url: string;
  poolSize: number;
  /** True on PGlite: one session, so no real concurrency inside the database. */
  embedded: boolean;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file: a fresh database on the server named by DATABASE_URL,
 * or else an in-memory PGlite restored from the cluster saved by global-setup.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const name = `tasknest_e2e_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      poolSize: 10,
      embedded: false,
      async drop() {
        const client = new pg.Client({ connectionString: serverUrl });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const template = process.env.TASKNEST_PGLITE_TEMPLATE;
  const loadDataDir = template ? new Blob([await readFile(template)]) : undefined;
  const embedded = await startEmbeddedPostgres({ dataDir: null, loadDataDir });
  return { url: embedded.url, poolSize: 1, embedded: true, drop: () => embedded.stop() };
}
