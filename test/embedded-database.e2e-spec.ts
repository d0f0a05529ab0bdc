import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { ensureBuilt, startBuiltServer } from './support/built-server.js';

/** The cluster global-setup saved (initdb once per run), when there is one. */
const savedCluster = async () => {
  const template = process.env.TASKNEST_PGLITE_TEMPLATE;
  return template ? new Blob([await readFile(template)]) : undefined;
};

const productionEnv = {
  NODE_ENV: 'production',
  JWT_KEY_ENCRYPTION_SECRET: randomBytes(32).toString('hex'),
  SECURITY_EVENTS_HMAC_SECRET: randomBytes(32).toString('hex'),
  SYNC_TOKEN_SECRET: randomBytes(32).toString('hex'),
  MAIL_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
  BCRYPT_COST: '10',
};

describe('the embedded database is reachable by this user only', () => {
  let embedded: EmbeddedPostgres;

  beforeAll(async () => {
    embedded = await startEmbeddedPostgres({ dataDir: null, loadDataDir: await savedCluster() });
  });

  afterAll(async () => {
    await embedded.stop();
  });

  it('listens on a Unix socket in a directory of mode 0700 owned by this user, not on a TCP port', async () => {
    const directory = statSync(embedded.socketDirectory);
    expect(directory.mode & 0o777).toBe(0o700);
    expect(directory.uid).toBe(process.getuid?.());
    expect(statSync(`${embedded.socketDirectory}/.s.PGSQL.5432`).isSocket()).toBe(true);
    const url = new URL(embedded.url);
    expect(url.port).toBe('');
    expect(url.searchParams.get('host')).toBe(embedded.socketDirectory);

    const client = new pg.Client({ connectionString: embedded.url });
    await client.connect();
    const { rows } = await client.query<{ answer: number }>('SELECT 1 AS answer');
    await client.end();
    expect(rows).toEqual([{ answer: 1 }]);
  });

  it('removes the socket directory when stopped', async () => {
    const other = await startEmbeddedPostgres({ dataDir: null, loadDataDir: await savedCluster() });
    await other.stop();
    expect(() => statSync(other.socketDirectory)).toThrow(/ENOENT/);
  });
});

describe('NODE_ENV=production and the embedded database', () => {
  beforeAll(() => ensureBuilt());

  it('refuses to start on it without ALLOW_EMBEDDED_DATABASE=true, naming the variable', () => {
    const run = spawnSync(process.execPath, ['dist/src/main.js'], {
      cwd: new URL('../', import.meta.url).pathname,
      env: { PATH: process.env.PATH, ...productionEnv, DATA_DIR: `/tmp/tasknest-refused-${randomBytes(4).toString('hex')}` },
      encoding: 'utf8',
      timeout: 60_000,
    });

    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/ALLOW_EMBEDDED_DATABASE/);
  });

  it('starts on it with ALLOW_EMBEDDED_DATABASE=true and serves', async () => {
    const server = await startBuiltServer({ ...productionEnv, ALLOW_EMBEDDED_DATABASE: 'true' });
    try {
      const response = await fetch(`${server.baseUrl}/health/ready`);
      expect(response.status).toBe(200);
    } finally {
      await server.dispose();
    }
  });
});
