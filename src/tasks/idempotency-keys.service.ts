import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { idempotencyKeyInFlight, idempotencyKeyReused } from './task-problems.js';

/** How long a key and its first response are kept (the contract says 24 h). */
const IDEMPOTENCY_KEY_TTL_SECONDS = 24 * 3600;
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** A response as first sent, kept to be sent again for a repeat of the request. */
export interface StoredResponse<T> {
  status: number;
  body: T;
  location: string | null;
}

interface KeyRow {
  fingerprint: string;
  response_status: number;
  response_body: unknown;
  response_location: string | null;
  live: boolean;
}

/** JSON with object keys sorted at every level, so equal requests hash equally. */
function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, member]) => `${JSON.stringify(key)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function fingerprintOf(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

/**
 * Idempotency-Key handling for one user's POSTs. The key is claimed with a transaction-scoped
 * advisory lock in the same transaction that does the work and stores the response, so a crash
 * never leaves a key without its result or a result without its key, and two requests with one
 * key never both do the work.
 */
@Injectable()
export class IdempotencyKeysService {
  private readonly logger = new Logger(IdempotencyKeysService.name);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Runs `perform` once for (owner, key). A repeat with an equal request gets the stored response
   * (`replayed`); with a different request, 422; while the first is still running, 409.
   */
  async once<T>(
    ownerId: string,
    key: string,
    request: unknown,
    perform: (manager: EntityManager) => Promise<StoredResponse<T>>,
  ): Promise<{ response: StoredResponse<T>; replayed: boolean }> {
    const fingerprint = fingerprintOf(request);
    return this.dataSource.transaction(async (manager) => {
      const [{ claimed }] = await manager.query<{ claimed: boolean }[]>('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS claimed', [
        `idempotency-key:${ownerId}:${key}`,
      ]);
      if (!claimed) throw idempotencyKeyInFlight();

      const [existing] = await manager.query<KeyRow[]>(
        `SELECT fingerprint, response_status, response_body, response_location, expires_at > now() AS live
           FROM idempotency_keys WHERE owner_id = $1 AND key = $2`,
        [ownerId, key],
      );
      if (existing?.live) {
        if (existing.fingerprint !== fingerprint) throw idempotencyKeyReused();
        // Stored by this method from a StoredResponse<T> for the same operation.
        const body = existing.response_body as T;
        return { response: { status: existing.response_status, body, location: existing.response_location }, replayed: true };
      }
      if (existing) await manager.query('DELETE FROM idempotency_keys WHERE owner_id = $1 AND key = $2', [ownerId, key]);

      const response = await perform(manager);
      await manager.query(
        `INSERT INTO idempotency_keys (owner_id, key, fingerprint, response_status, response_body, response_location, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
        [ownerId, key, fingerprint, response.status, JSON.stringify(response.body), response.location, IDEMPOTENCY_KEY_TTL_SECONDS],
      );
      return { response, replayed: false };
    });
  }

  @Interval(PURGE_INTERVAL_MS)
  async purgeExpired(): Promise<number> {
    try {
      const [, deleted] = await this.dataSource.query<[unknown, number]>('DELETE FROM idempotency_keys WHERE expires_at <= now()');
      return deleted;
    } catch (error) {
      // The database may be down for a while; the next run catches up.
      this.logger.warn({ err: error }, 'could not purge expired idempotency keys');
      return 0;
    }
  }
}
