import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/**
 * One row per user: the last change number handed out. Every task write bumps it first thing in
 * its transaction (a row lock held until commit), so one user's writes commit in `seq` order.
 */
@Entity({ name: 'task_change_counters' })
export class TaskChangeCounter {
  @PrimaryColumn({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<User>;

  @Column({ name: 'last_seq', type: 'bigint', default: 0 })
  lastSeq: string;

  /** The newest tombstone purged so far: a sync token older than this may have missed a delete (410). */
  @Column({ name: 'purged_seq', type: 'bigint', default: 0 })
  purgedSeq: string;
}
