import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { UserTokenPurpose } from './user-token.entity.js';

const TOKEN_BYTES = 32;

export interface IssuedToken {
  /** The only copy of the secret: it goes into the mail, the database keeps its SHA-256. */
  token: string;
  expiresAt: Date;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Single-use tokens sent by email (`user_tokens`). */
@Injectable()
export class UserTokensService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A new random token (32 bytes, base64url). With `replaceOlder`, the user's earlier tokens of the
   * same purpose are deleted in the same transaction, so only the newest link works.
   */
  async issue(manager: EntityManager, userId: string, purpose: UserTokenPurpose, ttlSeconds: number, replaceOlder: boolean): Promise<IssuedToken> {
    if (replaceOlder) await manager.query('DELETE FROM user_tokens WHERE user_id = $1 AND purpose = $2', [userId, purpose]);
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const [row]: [{ expires_at: Date }] = await manager.query(
      `INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at)
       VALUES ($1, $2, $3, now() + make_interval(secs => $4))
       RETURNING expires_at`,
      [userId, purpose, hashToken(token), ttlSeconds],
    );
    return { token, expiresAt: row.expires_at };
  }

  /**
   * Uses a token up, once: one conditional UPDATE, so of two concurrent uses exactly one wins.
   * Answers the user id, or null for an unknown, expired, already used or other-purpose token.
   * The user's other unused tokens of this purpose are used up with it.
   */
  async consume(manager: EntityManager, token: string, purpose: UserTokenPurpose): Promise<string | null> {
    const [rows]: [{ user_id: string }[], number] = await manager.query(
      `UPDATE user_tokens SET used_at = now()
        WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now()
        RETURNING user_id`,
      [hashToken(token), purpose],
    );
    const userId = rows[0]?.user_id ?? null;
    if (userId) {
      await manager.query('UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL', [userId, purpose]);
    }
    return userId;
  }

  /** Expired tokens are of no use to anyone after a day. */
  @Interval(3600 * 1000)
  async purgeExpired(): Promise<void> {
    await this.dataSource.query(`DELETE FROM user_tokens WHERE expires_at < now() - interval '1 day'`);
  }
}
