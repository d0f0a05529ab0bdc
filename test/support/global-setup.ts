import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * initdb and the migrations run once per run, not once per test app: every test file starts from a
 * copy of one migrated database (its own app then finds nothing left to migrate). On PGlite the
 * saved cluster is loaded into a fresh in-memory PGlite; on PostgreSQL (DATABASE_URL) a template
 * database is copied with CREATE DATABASE … TEMPLATE. global-teardown.ts removes both.
 */
export default function globalSetup(): void {
  const output = execFileSync(process.execPath, ['--import', '@swc-node/register/esm-register', 'test/support/migrated-template.ts'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const prepared = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as { pgTemplate?: string; pgliteTemplate?: string };
  if (prepared.pgTemplate) process.env.TASKNEST_PG_TEMPLATE = prepared.pgTemplate;
  if (prepared.pgliteTemplate) process.env.TASKNEST_PGLITE_TEMPLATE = prepared.pgliteTemplate;
}
