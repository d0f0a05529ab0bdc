import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the normal `pg` driver. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * PGlite behind a PostgreSQL wire-protocol socket on 127.0.0.1 (random port), so the app talks
 * to it exactly as to a real server. PGlite is one session: callers must use a pool of one.
 * `dataDir` null keeps everything in memory; `loadDataDir` restores a saved initialised cluster.
 */
export async function startEmbeddedPostgres(options: { dataDir: string | null; loadDataDir?: Blob }): Promise<EmbeddedPostgres> {
  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = join(options.dataDir, 'pgdata');
    mkdirSync(dataDir, { recursive: true });
  }
  const db = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
  await server.start();
  return {
    url: `postgres://postgres:postgres@${server.getServerConn()}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
