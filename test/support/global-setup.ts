import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * initdb takes seconds; do it once per run and let every test file start its own in-memory
 * PGlite from the saved cluster. Not needed when DATABASE_URL points at a real server.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) return;
  const db = await PGlite.create();
  const dump = await db.dumpDataDir('none');
  await db.close();
  const file = join(tmpdir(), `tasknest-pglite-template-${process.pid}.tar`);
  await writeFile(file, Buffer.from(await dump.arrayBuffer()));
  process.env.TASKNEST_PGLITE_TEMPLATE = file;
}
