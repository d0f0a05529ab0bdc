import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/** Types a user can meet on their activity page, and the ones that only an operator sees (no user). */
export const SECURITY_EVENT_TYPES = [
  'register',
  'login.succeeded',
  'login.failed',
  'logout',
  'session.revoked',
  'refresh.reuse_detected',
  'password.changed',
  'password.reset_requested',
  'password.reset',
  'email.verified',
  'rate_limit.exceeded',
  'token.rejected',
  'mfa.enabled',
  'mfa.disabled',
  'mfa.recovery_codes_regenerated',
] as const;
export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

/** Small, never a secret: ids, a keyed hash of an unknown email, a rate-limit scope. */
export type SecurityEventDetail = Record<string, string | number | boolean>;

/**
 * One authentication event. Kept 90 days; deleted with its user. `userId` is null when no account
 * is known (an unknown email, a rejected token, a rate limit): such rows are for operators only.
 */
@Entity({ name: 'security_events' })
// The activity page: one user's events, newest first, by keyset on the id.
@Index('security_events_user_id_id_idx', ['userId', 'id'])
@Index('security_events_created_at_idx', ['createdAt'])
export class SecurityEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user?: Relation<User>;

  @Column({ type: 'varchar', length: 40 })
  type: SecurityEventType;

  @Column({ type: 'varchar', length: 40, nullable: true })
  reason: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail: SecurityEventDetail | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
