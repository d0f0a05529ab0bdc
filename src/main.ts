import 'reflect-metadata';
import { createApp } from './app.setup.js';
import { PinoNestLogger, createLogger } from './common/logging/logger.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';

async function bootstrap(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  const logger = createLogger(config);
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres({ dataDir: config.dataDir });
  const database = embedded ? { url: embedded.url, poolSize: 1 } : { url: config.databaseUrl ?? '', poolSize: config.databasePoolSize };

  const app = await createApp(config, database, { logger, nestLogger: new PinoNestLogger(logger) });
  await app.listen(config.port, config.host);
  logger.info(
    { port: config.port, database: embedded ? `embedded PGlite in ${config.dataDir}` : 'DATABASE_URL', startupMs: Math.round(performance.now() - startedAt) },
    `tasknest listening on http://localhost:${config.port} (Swagger UI at /docs)`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    // A request that never ends must not keep a stopped instance around forever.
    setTimeout(() => {
      logger.error({ timeoutSeconds: config.shutdownTimeoutSeconds }, 'shutdown timed out; exiting with requests still open');
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000).unref();
    // app.close(): new requests get 503, requests in flight finish, then the database pool closes.
    await app.close();
    await embedded?.stop();
    logger.info('shut down cleanly');
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

bootstrap().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`tasknest failed to start: ${message}\n`);
  process.exit(1);
});
