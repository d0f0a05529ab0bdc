import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isUuid } from '../auth/token-claims.js';
import { poolQuery } from '../database/pool-query.js';
import { Task, type TaskPriority } from './task.entity.js';

/** The list orders, each ending in id in the same direction so pages never skip or repeat a task. */
const ORDER_BY = {
  createdAt: 'created_at ASC, id ASC',
  '-createdAt': 'created_at DESC, id DESC',
  updatedAt: 'updated_at ASC, id ASC',
  '-updatedAt': 'updated_at DESC, id DESC',
  dueDate: 'due_date ASC NULLS LAST, id ASC',
  '-dueDate': 'due_date DESC NULLS LAST, id DESC',
  // The task_priority enum is declared low, medium, high: PostgreSQL sorts it by rank.
  priority: 'priority ASC, id ASC',
  '-priority': 'priority DESC, id DESC',
  // lower(title) matches the tasks_owner_title_idx expression index.
  title: 'lower(title) ASC, id ASC',
  '-title': 'lower(title) DESC, id DESC',
} as const;

export type TaskSort = keyof typeof ORDER_BY;
export const TASK_SORTS = Object.keys(ORDER_BY) as TaskSort[];

export interface TaskListQuery {
  completed?: boolean;
  priority?: TaskPriority;
  q?: string;
  sort: TaskSort;
  page: number;
  limit: number;
}

export interface NewTask {
  title: string;
  description: string | null;
  priority: TaskPriority;
  dueDate: Date | null;
  completed: boolean;
}

/** `toggle` flips `completed`; a boolean sets it. completedAt follows in the same statement. */
export type TaskChanges = Partial<Omit<NewTask, 'completed'>> & { completed?: boolean | 'toggle' };

/** Null: any version will do (no If-Match, or `If-Match: *`). */
export type ExpectedVersions = readonly number[] | null;

/** Why nothing was written: no such task of this owner, or its version did not match. */
export type MissedWrite = { outcome: 'not-found' } | { outcome: 'stale' };
export type UpdateOutcome = { outcome: 'updated'; task: Task } | MissedWrite;
export type DeleteOutcome = { outcome: 'deleted' } | MissedWrite;

export interface SqlQuery {
  text: string;
  values: unknown[];
}

interface TaskRow {
  id: string;
  owner_id: string;
  title: string;
  description: string | null;
  completed: boolean;
  completed_at: Date | null;
  priority: TaskPriority;
  due_date: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

const TASK_COLUMNS = 'id, owner_id, title, description, completed, completed_at, priority, due_date, version, created_at, updated_at';

function toTask(row: TaskRow): Task {
  return Object.assign(new Task(), {
    id: row.id,
    ownerId: row.owner_id,
    title: row.title,
    description: row.description,
    completed: row.completed,
    completedAt: row.completed_at,
    priority: row.priority,
    dueDate: row.due_date,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

/** LIKE wildcards in the user's text match themselves. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/** Collects positional parameters while a statement is put together. */
class Parameters {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Tasks as seen by one user. Every method takes the owner's id first and puts it in the WHERE
 * clause: there is no way to read or write a task by its id alone. A malformed id is simply not
 * found, exactly like another user's task.
 */
@Injectable()
export class TaskRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(ownerId: string, query: TaskListQuery): Promise<{ tasks: Task[]; total: number }> {
    const { page, count } = this.listQueries(ownerId, query);
    const [rows, [{ total }]] = await Promise.all([
      poolQuery<TaskRow>(this.dataSource, page.text, page.values),
      poolQuery<{ total: number }>(this.dataSource, count.text, count.values),
    ]);
    return { tasks: rows.map(toTask), total };
  }

  /** The two statements behind a list page (also printed by scripts/explain-task-list.ts). */
  listQueries(ownerId: string, query: TaskListQuery): { page: SqlQuery; count: SqlQuery } {
    const parameters = new Parameters();
    const conditions = [`owner_id = ${parameters.add(ownerId)}`];
    if (query.completed !== undefined) conditions.push(`completed = ${parameters.add(query.completed)}`);
    if (query.priority !== undefined) conditions.push(`priority = ${parameters.add(query.priority)}`);
    if (query.q !== undefined && query.q !== '') {
      const pattern = parameters.add(likePattern(query.q));
      conditions.push(`(title ILIKE ${pattern} ESCAPE '\\' OR description ILIKE ${pattern} ESCAPE '\\')`);
    }
    const where = conditions.join(' AND ');
    const filterValues = [...parameters.values];
    const limit = parameters.add(query.limit);
    const offset = parameters.add((query.page - 1) * query.limit);
    return {
      page: { text: `SELECT ${TASK_COLUMNS} FROM tasks WHERE ${where} ORDER BY ${ORDER_BY[query.sort]} LIMIT ${limit} OFFSET ${offset}`, values: parameters.values },
      count: { text: `SELECT count(*)::int AS total FROM tasks WHERE ${where}`, values: filterValues },
    };
  }

  async findOne(ownerId: string, id: string): Promise<Task | null> {
    if (!isUuid(id)) return null;
    const rows = await poolQuery<TaskRow>(this.dataSource, `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1 AND owner_id = $2`, [id, ownerId]);
    return rows.length > 0 ? toTask(rows[0]) : null;
  }

  async insert(ownerId: string, task: NewTask, manager: EntityManager = this.dataSource.manager): Promise<Task> {
    const [row] = await manager.query<TaskRow[]>(
      `INSERT INTO tasks (owner_id, title, description, priority, due_date, completed, completed_at)
       VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6::boolean THEN now() END)
       RETURNING ${TASK_COLUMNS}`,
      [ownerId, task.title, task.description, task.priority, task.dueDate, task.completed],
    );
    return toTask(row);
  }

  /**
   * One UPDATE that checks the owner and, when asked, the version, and bumps the version: a
   * stale write changes nothing. completedAt is set when the task becomes completed, cleared
   * when it is reopened, and kept when `completed` does not change.
   */
  async update(ownerId: string, id: string, changes: TaskChanges, expected: ExpectedVersions): Promise<UpdateOutcome> {
    if (!isUuid(id)) return { outcome: 'not-found' };
    const parameters = new Parameters();
    const target = `id = ${parameters.add(id)} AND owner_id = ${parameters.add(ownerId)}`;
    const assignments: string[] = [];
    if (changes.title !== undefined) assignments.push(`title = ${parameters.add(changes.title)}`);
    if (changes.description !== undefined) assignments.push(`description = ${parameters.add(changes.description)}`);
    if (changes.priority !== undefined) assignments.push(`priority = ${parameters.add(changes.priority)}`);
    if (changes.dueDate !== undefined) assignments.push(`due_date = ${parameters.add(changes.dueDate)}`);
    if (changes.completed === 'toggle') {
      // On the right-hand side `completed` is still the old value.
      assignments.push('completed = NOT completed', 'completed_at = CASE WHEN completed THEN NULL ELSE now() END');
    } else if (changes.completed !== undefined) {
      const completed = parameters.add(changes.completed);
      assignments.push(`completed = ${completed}`, `completed_at = CASE WHEN NOT ${completed}::boolean THEN NULL WHEN completed THEN completed_at ELSE now() END`);
    }
    assignments.push('version = version + 1', 'updated_at = now()');
    const versionCheck = expected ? ` AND version = ANY(${parameters.add(expected)}::int[])` : '';
    const [rows] = await this.dataSource.query<[TaskRow[], number]>(
      `UPDATE tasks SET ${assignments.join(', ')} WHERE ${target}${versionCheck} RETURNING ${TASK_COLUMNS}`,
      parameters.values,
    );
    if (rows.length > 0) return { outcome: 'updated', task: toTask(rows[0]) };
    return this.missOutcome(ownerId, id, expected);
  }

  async delete(ownerId: string, id: string, expected: ExpectedVersions): Promise<DeleteOutcome> {
    if (!isUuid(id)) return { outcome: 'not-found' };
    const versionCheck = expected ? ' AND version = ANY($3::int[])' : '';
    const [, deleted] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM tasks WHERE id = $1 AND owner_id = $2${versionCheck}`,
      expected ? [id, ownerId, expected] : [id, ownerId],
    );
    if (deleted > 0) return { outcome: 'deleted' };
    return this.missOutcome(ownerId, id, expected);
  }

  /** Nothing was written: stale if the caller's task exists (only possible with a version check), else not found. */
  private async missOutcome(ownerId: string, id: string, expected: ExpectedVersions): Promise<MissedWrite> {
    if (!expected) return { outcome: 'not-found' };
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM tasks WHERE id = $1 AND owner_id = $2', [id, ownerId]);
    return rows.length > 0 ? { outcome: 'stale' } : { outcome: 'not-found' };
  }
}
