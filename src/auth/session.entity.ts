import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/**
 * One login. The refresh token is never stored: it is re-derived (HMAC-signed JWT) from
 * `refreshGeneration` and `refreshIssuedAt`, which is what lets a racing tab be handed
 * the very same current token during the reuse grace window.
 */
@Entity({ name: 'sessions' })
@Index('sessions_user_id_idx', ['userId'])
@Index('sessions_expires_at_idx', ['expiresAt'])
// The periodic purge also deletes sessions revoked over a day ago.
@Index('sessions_revoked_at_idx', ['revokedAt'], { where: '"revoked_at" IS NOT NULL' })
export class Session {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ name: 'refresh_generation', type: 'integer', default: 0 })
  refreshGeneration: number;

  @Column({ name: 'refresh_issued_at', type: 'timestamptz' })
  refreshIssuedAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz' })
  lastUsedAt: Date;

  /** The earlier of lastUsedAt + SESSION_IDLE_TTL and createdAt + SESSION_MAX_AGE. */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason: string | null;
}
