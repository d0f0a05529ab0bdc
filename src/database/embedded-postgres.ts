import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** libpq's name for a server socket in a directory; `pg` connects to `<host>/.s.PGSQL.<port>`. */
const SOCKET_NAME = '.s.PGSQL.5432';

export interface EmbeddedPostgres {
  /** A postgres:// URL for the normal `pg` driver (the socket directory as its `host` parameter). */
  readonly url: string;
  /** The private directory (mode 0700) that holds the Unix socket. */
  readonly socketDirectory: string;
  /** The whole cluster as a tarball for `loadDataDir` (the tests start every file from one migrated copy). */
  dumpDataDir(): Promise<Blob>;
  stop(): Promise<void>;
}

/**
 * PGlite behind a PostgreSQL wire-protocol server, so the app talks to it exactly as to a real
 * server. PGlite checks no password and makes everyone superuser, so it listens on a Unix socket in
 * a directory only this user can enter (0700), never on a TCP port other local users could reach.
 * PGlite is one session: callers must use a pool of one.
 * `dataDir` null keeps everything in memory; `loadDataDir` restores a saved initialised cluster.
 */
export async function startEmbeddedPostgres(options: { dataDir: string | null; loadDataDir?: Blob }): Promise<EmbeddedPostgres> {
  let dataDir: string | undefined;
  if (options.dataDir) {
    dataDir = join(options.dataDir, 'pgdata');
    mkdirSync(dataDir, { recursive: true });
  }
  const db = await PGlite.create({ dataDir, loadDataDir: options.loadDataDir });
  // Under the temporary directory, not DATA_DIR: a socket path must stay under ~100 bytes.
  const socketDirectory = mkdtempSync(join(tmpdir(), 'tasknest-pg-'));
  chmodSync(socketDirectory, 0o700);
  const server = new PGLiteSocketServer({ db, path: join(socketDirectory, SOCKET_NAME), maxConnections: 4 });
  try {
    await server.start();
  } catch (error) {
    await db.close();
    rmSync(socketDirectory, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDirectory)}`,
    socketDirectory,
    dumpDataDir: () => db.dumpDataDir('none'),
    async stop() {
      await server.stop();
      await db.close();
      rmSync(socketDirectory, { recursive: true, force: true });
    },
  };
}
