import type { Pool } from 'pg';
import { ConnectionIsNotSetError, type DataSource } from 'typeorm';

/**
 * One statement straight on the pool TypeORM opened: no QueryRunner, no subscriber broadcasts,
 * no QueryResult wrapping — about a tenth of a request's CPU on the hottest reads (the session
 * check and the task reads). Only for single statements outside a transaction; errors are
 * node-postgres's own, which ProblemDetailsFilter classifies by code and message like TypeORM's.
 */
export async function poolQuery<Row>(dataSource: DataSource, text: string, values: readonly unknown[]): Promise<Row[]> {
  // TypeORM's PostgresDriver keeps its pg.Pool in `master` (typed any); undefined once the DataSource is destroyed.
  const pool = (dataSource.driver as { master?: Pool }).master;
  if (!pool) throw new ConnectionIsNotSetError('postgres');
  const result = await pool.query(text, values as unknown[]);
  return result.rows as Row[];
}
