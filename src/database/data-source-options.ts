import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';

export interface DatabaseConnection {
  url: string;
  poolSize: number;
}

/** Shared by the app and the TypeORM CLI. Schema changes only through migrations. */
export function buildDataSourceOptions(connection: DatabaseConnection): DataSourceOptions {
  return {
    type: 'postgres',
    url: connection.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsRun: true,
    migrationsTransactionMode: 'each',
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    logging: false,
    extra: {
      max: connection.poolSize,
      // Fail fast instead of hanging when the database is unreachable; the filter answers 503.
      connectionTimeoutMillis: 3000,
      query_timeout: 15000,
      statement_timeout: 15000,
      idle_in_transaction_session_timeout: 15000,
    },
  };
}
