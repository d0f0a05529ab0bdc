import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { User } from '../users/user.entity.js';

/** A deleted task, as the changes feed reports it; purged after TASK_TOMBSTONE_TTL. */
@Entity({ name: 'task_tombstones' })
@Index('task_tombstones_deleted_at_idx', ['deletedAt'])
export class TaskTombstone {
  @PrimaryColumn({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<User>;

  @Column({ name: 'task_id', type: 'uuid' })
  taskId: string;

  @Column({ name: 'deleted_at', type: 'timestamptz', default: () => 'now()' })
  deletedAt: Date;
}
