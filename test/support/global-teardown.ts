import { rmSync } from 'node:fs';
import pg from 'pg';

/** Removes what global-setup.ts made: the migrated template database, or the saved PGlite cluster. */
export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  const template = process.env.TASKNEST_PG_TEMPLATE;
  if (serverUrl && template && /^[a-z0-9_]+$/.test(template)) {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
  const file = process.env.TASKNEST_PGLITE_TEMPLATE;
  if (file) rmSync(file, { force: true });
}
