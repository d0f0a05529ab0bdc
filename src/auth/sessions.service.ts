import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiProblem } from '../common/problem/api-problem.js';
import { AppConfig } from '../config/app-config.js';
import { SecurityEventsService } from '../security-events/security-events.service.js';
import { poolQuery } from '../database/pool-query.js';
import type { ClientInfo } from './client-info.decorator.js';
import { Session } from './session.entity.js';
import { isUuid, type RefreshCaller } from './token-claims.js';

export type RevokeReason = 'logout' | 'logout_all' | 'revoked_by_user' | 'password_changed' | 'password_reset' | 'refresh_token_reuse' | 'mfa_changed';

export interface RotationResult {
  session: Session;
  /** True when an immediately previous token was replayed inside the grace window. */
  replayed: boolean;
}

interface SessionRow {
  id: string;
  user_id: string;
  refresh_generation: number;
  refresh_issued_at: Date;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  user_agent: string | null;
  ip: string | null;
  revoked_at: Date | null;
}

const SESSION_COLUMNS = 'id, user_id, refresh_generation, refresh_issued_at, created_at, last_used_at, expires_at, user_agent, ip, revoked_at';
const PURGE_AFTER_MS = 24 * 3600 * 1000;

function toSession(row: SessionRow): Session {
  return Object.assign(new Session(), {
    id: row.id,
    userId: row.user_id,
    refreshGeneration: row.refresh_generation,
    refreshIssuedAt: row.refresh_issued_at,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    userAgent: row.user_agent,
    ip: row.ip,
    revokedAt: row.revoked_at,
  });
}

/**
 * Session rows: the single source of truth for whether a token still works.
 *
 * The refresh token design, in five lines:
 * 1. A refresh token is an HS256 JWT (own key, `typ: refresh`) over (sid, sub, gen, iat, exp) only.
 * 2. It is never stored: the row keeps (refresh_generation, refresh_issued_at, expires_at) and the
 *    token is re-minted from them, byte for byte, whenever it must be handed out again.
 * 3. Refresh = one conditional UPDATE `... WHERE refresh_generation = <token's gen>`: one winner.
 * 4. A loser whose gen is exactly one behind, within REFRESH_REUSE_GRACE, gets the re-minted current token.
 * 5. Any other stale gen is reuse: the session is revoked, which also kills its access tokens.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly events: SecurityEventsService,
  ) {}

  async create(userId: string, client: ClientInfo, manager: EntityManager = this.dataSource.manager): Promise<Session> {
    const now = new Date();
    const session = manager.create(Session, {
      userId,
      refreshGeneration: 0,
      refreshIssuedAt: now,
      createdAt: now,
      lastUsedAt: now,
      expiresAt: this.expiryFor(now, now),
      userAgent: client.userAgent,
      ip: client.ip,
      revokedAt: null,
      revokedReason: null,
    });
    return manager.save(session);
  }

  /** The per-request check behind every access token: one primary-key lookup. */
  async isActive(sessionId: string, userId: string): Promise<boolean> {
    const rows = await poolQuery<unknown>(this.dataSource, 'SELECT 1 FROM sessions WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3', [
      sessionId,
      userId,
      new Date(),
    ]);
    return rows.length > 0;
  }

  /** Which of these sessions are still alive: one query for every open event stream of an instance. */
  async activeAmong(sessionIds: readonly string[]): Promise<Set<string>> {
    const rows = await poolQuery<{ id: string }>(this.dataSource, 'SELECT id FROM sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > $2', [
      sessionIds,
      new Date(),
    ]);
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Check-and-rotate in one conditional UPDATE: of N concurrent refreshes with the same token,
   * exactly one moves the generation on; the others see the new generation and either get the
   * same current token (inside the grace window) or, for older tokens, revoke the session.
   */
  async rotate(caller: RefreshCaller, client: ClientInfo): Promise<RotationResult> {
    const now = new Date();
    // For UPDATE, TypeORM's postgres driver answers [rows, affectedCount].
    const [rotated]: [SessionRow[], number] = await this.dataSource.query(
      `UPDATE sessions
          SET refresh_generation = refresh_generation + 1,
              refresh_issued_at = $4,
              last_used_at = $4,
              expires_at = LEAST($4::timestamptz + make_interval(secs => $5), created_at + make_interval(secs => $6)),
              user_agent = COALESCE($7, user_agent),
              ip = COALESCE($8, ip)
        WHERE id = $1 AND user_id = $2 AND refresh_generation = $3 AND revoked_at IS NULL AND expires_at > $4
        RETURNING ${SESSION_COLUMNS}`,
      [caller.sessionId, caller.userId, caller.generation, now, this.config.session.idleTtlSeconds, this.config.session.maxAgeSeconds, client.userAgent, client.ip],
    );
    if (rotated.length === 1) return { session: toSession(rotated[0]), replayed: false };

    const [current] = await this.findRows('id = $1 AND user_id = $2', [caller.sessionId, caller.userId]);
    if (!current || current.revoked_at !== null || current.expires_at <= now) {
      throw ApiProblem.unauthorized('The refresh token is no longer valid.');
    }
    const graceMs = this.config.session.refreshReuseGraceSeconds * 1000;
    const justRotatedOut = caller.generation === current.refresh_generation - 1;
    if (justRotatedOut && graceMs > 0 && now.getTime() - current.refresh_issued_at.getTime() <= graceMs) {
      return { session: toSession(current), replayed: true };
    }
    if (caller.generation < current.refresh_generation) {
      await this.revoke(caller.userId, caller.sessionId, 'refresh_token_reuse');
      this.events.record({ type: 'refresh.reuse_detected', userId: caller.userId, detail: { sessionId: caller.sessionId } });
    }
    throw ApiProblem.unauthorized('The refresh token is no longer valid.');
  }

  async listActive(userId: string): Promise<Session[]> {
    const rows = await this.findRows('user_id = $1 AND revoked_at IS NULL AND expires_at > $2 ORDER BY last_used_at DESC, id', [userId, new Date()]);
    return rows.map(toSession);
  }

  /** Revokes one of the user's live sessions; false when there is no such session for this user. */
  async revoke(userId: string, sessionId: string, reason: RevokeReason, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    if (!isUuid(sessionId)) return false;
    const [, affected]: [unknown, number] = await manager.query(
      `UPDATE sessions SET revoked_at = $3, revoked_reason = $4
        WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > $3`,
      [sessionId, userId, new Date(), reason],
    );
    return affected > 0;
  }

  /** Revokes every live session of the user, except `keepSessionId` when given. */
  async revokeAll(userId: string, reason: RevokeReason, keepSessionId: string | null = null, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.query(
      `UPDATE sessions SET revoked_at = $2, revoked_reason = $3
        WHERE user_id = $1 AND revoked_at IS NULL AND ($4::uuid IS NULL OR id <> $4::uuid)`,
      [userId, new Date(), reason, keepSessionId],
    );
  }

  /** Dead sessions are kept a day (for reuse detection to answer cleanly), then deleted. */
  @Interval(15 * 60 * 1000)
  async purgeExpired(): Promise<number> {
    const cutoff = new Date(Date.now() - PURGE_AFTER_MS);
    const [, deleted]: [unknown, number] = await this.dataSource.query(
      'DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1',
      [cutoff],
    );
    return deleted;
  }

  private expiryFor(lastUsedAt: Date, createdAt: Date): Date {
    const idle = lastUsedAt.getTime() + this.config.session.idleTtlSeconds * 1000;
    const absolute = createdAt.getTime() + this.config.session.maxAgeSeconds * 1000;
    return new Date(Math.min(idle, absolute));
  }

  private findRows(where: string, parameters: unknown[]): Promise<SessionRow[]> {
    return this.dataSource.query(`SELECT ${SESSION_COLUMNS} FROM sessions WHERE ${where}`, parameters);
  }
}
