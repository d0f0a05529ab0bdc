import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsoleLogger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import type { DestinationStream } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app.setup.js';
import { createLogger, PinoNestLogger } from '../../src/common/logging/logger.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { type Environment, loadConfig } from '../../src/config/load-config.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  database: TestDatabase;
  /** supertest against the in-process server. */
  http: () => ReturnType<typeof request>;
  /** Runs SQL directly, for assertions about what is in the database. */
  sql<T extends Record<string, unknown> = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Environment;
  /** Share another app's database (a second instance); it is then not dropped by this one. */
  database?: TestDatabase;
  /** Listen on a real port (for tests that need a socket, e.g. two instances). */
  listen?: boolean;
  /** Every log line (pino's and Nest's, as JSON) goes here instead of nowhere; LOG_LEVEL defaults to debug then. */
  logTo?: DestinationStream;
}

const sharedSecrets = {
  access: randomBytes(32).toString('hex'),
  refresh: randomBytes(32).toString('hex'),
  mail: randomBytes(32).toString('hex'),
  syncTokens: randomBytes(32).toString('hex'),
};

/** The real AppModule with the real setup, on a database of its own. */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const dataDir = mkdtempSync(join(tmpdir(), 'tasknest-e2e-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: options.logTo ? 'debug' : (process.env.TEST_LOG_LEVEL ?? 'silent'),
    BCRYPT_COST: '4',
    JWT_ACCESS_SECRET: sharedSecrets.access,
    JWT_REFRESH_SECRET: sharedSecrets.refresh,
    // Instances sharing a database share this too (as the README says); each app has its own DATA_DIR.
    SYNC_TOKEN_SECRET: sharedSecrets.syncTokens,
    // Instances sharing a database must read each other's queued mail.
    MAIL_ENCRYPTION_KEY: sharedSecrets.mail,
    DATA_DIR: dataDir,
    RATE_LIMIT_AUTH_PER_MIN: '100000',
    RATE_LIMIT_PER_MIN: '1000000',
    ...options.env,
    DATABASE_URL: database.url,
  });
  const logger = createLogger(config, options.logTo);
  const nestLogger = options.logTo ? new PinoNestLogger(logger) : process.env.TEST_NEST_LOG ? new ConsoleLogger({ logLevels: ['error'] }) : false;
  const app = await createApp(config, { url: database.url, poolSize: database.poolSize }, { logger, nestLogger });
  if (options.listen) await app.listen(0, '127.0.0.1');
  else await app.init();
  await app.getHttpAdapter().getInstance().ready();

  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  return {
    app,
    config,
    database,
    http: () => request(app.getHttpServer()),
    async sql<T extends Record<string, unknown>>(text: string, values: unknown[] = []) {
      const result = await pool.query<T>(text, values);
      return result.rows;
    },
    async close() {
      await pool.end();
      await app.close();
      if (!options.database) await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
