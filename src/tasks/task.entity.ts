import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { User } from '../users/user.entity.js';

export const TASK_PRIORITIES = ['low', 'medium', 'high'] as const;
export type TaskPriority = (typeof TASK_PRIORITIES)[number];

/**
 * Never loaded by id alone: every query goes through TaskRepository, which requires the owner.
 * The priority enum is declared low < medium < high, so PostgreSQL sorts it by rank.
 */
@Entity({ name: 'tasks' })
@Index('tasks_owner_created_idx', ['ownerId', 'createdAt', 'id'])
@Index('tasks_owner_updated_idx', ['ownerId', 'updatedAt', 'id'])
// (owner_id, coalesce(due_date, ±infinity), id), one per direction: migration 1796500000000.
@Index('tasks_owner_due_asc_idx', { synchronize: false })
@Index('tasks_owner_due_desc_idx', { synchronize: false })
@Index('tasks_owner_priority_idx', ['ownerId', 'priority', 'id'])
@Index('tasks_owner_title_idx', { synchronize: false })
@Index('tasks_owner_change_seq_idx', ['ownerId', 'changeSeq'])
export class Task {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Relation<User>;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  @Column({ type: 'varchar', length: 2000, nullable: true })
  description: string | null;

  @Column({ type: 'boolean', default: false })
  completed: boolean;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;

  @Column({ type: 'enum', enum: TASK_PRIORITIES, enumName: 'task_priority', default: 'medium' })
  priority: TaskPriority;

  @Column({ name: 'due_date', type: 'timestamptz', nullable: true })
  dueDate: Date | null;

  /** Bumped by every write; the ETag is derived from it. */
  @Column({ type: 'integer', default: 1 })
  version: number;

  /** The user's change number of this task's latest write (see TaskChangeCounter); the changes feed is ordered by it. */
  @Column({ name: 'change_seq', type: 'bigint' })
  changeSeq: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
