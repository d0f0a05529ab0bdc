import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isUuid } from '../auth/token-claims.js';
import { poolQuery } from '../database/pool-query.js';
import { takeChangeSeq } from './task-change-log.js';
import { Task, type TaskPriority } from './task.entity.js';

const UTC_MICROSECONDS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const timestampKey = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${UTC_MICROSECONDS})`;

/**
 * How each list order is read. `order` ends in id in the same direction as the sort key, so pages
 * never skip or repeat a task; `key` is the sort key as the exact text a cursor carries (timestamps
 * to the microsecond, in UTC); `after` is the keyset predicate "comes after the task at ($k, $i)"
 * in that order, a row-value comparison on the same expressions as `order`, so it is an index
 * range condition. Tasks without a dueDate come last both ways: the dueDate orders sort by
 * coalesce(due_date, ±infinity) (no real date is infinite), so NULLs need no special case, and
 * a cursor whose key is null stands for infinity too. Every order has its index (scripts/explain-task-list.ts).
 */
const ORDERS = {
  createdAt: { order: 'created_at ASC, id ASC', key: timestampKey('created_at'), after: (k: string, i: string) => `(created_at, id) > (${k}::timestamptz, ${i}::uuid)` },
  '-createdAt': { order: 'created_at DESC, id DESC', key: timestampKey('created_at'), after: (k: string, i: string) => `(created_at, id) < (${k}::timestamptz, ${i}::uuid)` },
  updatedAt: { order: 'updated_at ASC, id ASC', key: timestampKey('updated_at'), after: (k: string, i: string) => `(updated_at, id) > (${k}::timestamptz, ${i}::uuid)` },
  '-updatedAt': { order: 'updated_at DESC, id DESC', key: timestampKey('updated_at'), after: (k: string, i: string) => `(updated_at, id) < (${k}::timestamptz, ${i}::uuid)` },
  dueDate: {
    order: "coalesce(due_date, 'infinity'::timestamptz) ASC, id ASC",
    key: timestampKey('due_date'),
    after: (k: string, i: string) => `(coalesce(due_date, 'infinity'::timestamptz), id) > (coalesce(${k}::timestamptz, 'infinity'::timestamptz), ${i}::uuid)`,
  },
  '-dueDate': {
    order: "coalesce(due_date, '-infinity'::timestamptz) DESC, id DESC",
    key: timestampKey('due_date'),
    after: (k: string, i: string) => `(coalesce(due_date, '-infinity'::timestamptz), id) < (coalesce(${k}::timestamptz, '-infinity'::timestamptz), ${i}::uuid)`,
  },
  // The task_priority enum is declared low, medium, high: PostgreSQL sorts it by rank.
  priority: { order: 'priority ASC, id ASC', key: 'priority::text', after: (k: string, i: string) => `(priority, id) > (${k}::task_priority, ${i}::uuid)` },
  '-priority': { order: 'priority DESC, id DESC', key: 'priority::text', after: (k: string, i: string) => `(priority, id) < (${k}::task_priority, ${i}::uuid)` },
  // lower(title) matches the tasks_owner_title_idx expression index.
  title: { order: 'lower(title) ASC, id ASC', key: 'lower(title)', after: (k: string, i: string) => `(lower(title), id) > (${k}::text, ${i}::uuid)` },
  '-title': { order: 'lower(title) DESC, id DESC', key: 'lower(title)', after: (k: string, i: string) => `(lower(title), id) < (${k}::text, ${i}::uuid)` },
} as const;

export type TaskSort = keyof typeof ORDERS;
export const TASK_SORTS = Object.keys(ORDERS) as TaskSort[];

export interface TaskListFilters {
  completed?: boolean;
  priority?: TaskPriority;
  q?: string;
}

/** Where a cursor page starts: after the task with this id and sort key (a key of null: no dueDate). */
export interface TaskListPosition {
  key: string | null;
  id: string;
}

export interface TaskListQuery extends TaskListFilters {
  sort: TaskSort;
  limit: number;
  /** Keyset mode: the tasks after this position. Otherwise `page` (default 1) by offset. */
  after?: TaskListPosition;
  page?: number;
  /** Count the matching tasks (always in page mode). */
  withTotal?: boolean;
}

export interface TaskListResult {
  tasks: Task[];
  /** The last task's position when more tasks follow it, else null. */
  next: TaskListPosition | null;
  total: number | null;
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

/** One entry of the changes feed: the latest state of a task changed after the asked position, or its tombstone. */
export type TaskChange = { type: 'upsert'; seq: number; task: Task } | { type: 'delete'; seq: number; id: string; deletedAt: Date };

export interface ChangesRead {
  /** In `seq` order, at most the limit asked for. */
  changes: TaskChange[];
  hasMore: boolean;
  /** The user's newest change number in the same snapshot (0: never wrote). */
  lastSeq: number;
  /** Tombstones up to this change number have been purged (0: none). */
  purgedSeq: number;
}

/** Thrown inside a write's transaction to roll it back (the change number with it) when nothing matched. */
class NothingWritten extends Error {}

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

  async list(ownerId: string, query: TaskListQuery): Promise<TaskListResult> {
    const { page, count } = this.listQueries(ownerId, query);
    const counted = query.after === undefined || query.withTotal === true;
    const [rows, totals] = await Promise.all([
      poolQuery<TaskRow & { cursor_key: string | null }>(this.dataSource, page.text, page.values),
      counted ? poolQuery<{ total: number }>(this.dataSource, count.text, count.values) : Promise.resolve(null),
    ]);
    // One row more than asked tells whether another page follows.
    const shown = rows.slice(0, query.limit);
    const last = shown[shown.length - 1];
    const next = rows.length > query.limit && last ? { key: last.cursor_key, id: last.id } : null;
    return { tasks: shown.map(toTask), next, total: totals ? totals[0].total : null };
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
    const order = ORDERS[query.sort];
    const pageConditions = query.after ? [...conditions, order.after(parameters.add(query.after.key), parameters.add(query.after.id))] : conditions;
    const limit = parameters.add(query.limit + 1);
    const offset = query.after ? '' : ` OFFSET ${parameters.add(((query.page ?? 1) - 1) * query.limit)}`;
    return {
      page: {
        text: `SELECT ${TASK_COLUMNS}, ${order.key} AS cursor_key FROM tasks WHERE ${pageConditions.join(' AND ')} ORDER BY ${order.order} LIMIT ${limit}${offset}`,
        values: parameters.values,
      },
      count: { text: `SELECT count(*)::int AS total FROM tasks WHERE ${where}`, values: filterValues },
    };
  }

  async findOne(ownerId: string, id: string): Promise<Task | null> {
    if (!isUuid(id)) return null;
    const rows = await poolQuery<TaskRow>(this.dataSource, `SELECT ${TASK_COLUMNS} FROM tasks WHERE id = $1 AND owner_id = $2`, [id, ownerId]);
    return rows.length > 0 ? toTask(rows[0]) : null;
  }

  /** In the caller's transaction when given one (an Idempotency-Key's), else in one of its own. */
  async insert(ownerId: string, task: NewTask, manager?: EntityManager): Promise<Task> {
    const insert = async (transaction: EntityManager): Promise<Task> => {
      const seq = await takeChangeSeq(transaction, ownerId);
      const [row] = await transaction.query<TaskRow[]>(
        `INSERT INTO tasks (owner_id, title, description, priority, due_date, completed, completed_at, change_seq)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $6::boolean THEN now() END, $7)
         RETURNING ${TASK_COLUMNS}`,
        [ownerId, task.title, task.description, task.priority, task.dueDate, task.completed, seq],
      );
      return toTask(row);
    };
    return manager ? insert(manager) : this.dataSource.transaction(insert);
  }

  /**
   * The changes after `since` in `seq` order: each task changed since then once, in its latest
   * state, and a tombstone for each task deleted since then (unless `withDeletes` is false: a full
   * sync has nothing to delete). One statement, so one snapshot: the counters, the tasks and the
   * tombstones are read as of the same moment.
   */
  async changesSince(ownerId: string, since: number, limit: number, withDeletes: boolean): Promise<ChangesRead> {
    const rows = await poolQuery<TaskRow & { seq: string | null; deleted_at: Date | null; last_seq: string | null; purged_seq: string | null }>(
      this.dataSource,
      `SELECT counter.last_seq, counter.purged_seq, change.*
         FROM (SELECT $1::uuid AS owner_id) AS owner
         LEFT JOIN task_change_counters AS counter ON counter.owner_id = owner.owner_id
         LEFT JOIN LATERAL (
           (SELECT change_seq AS seq, NULL::timestamptz AS deleted_at, ${TASK_COLUMNS}
              FROM tasks WHERE owner_id = $1 AND change_seq > $2 ORDER BY change_seq LIMIT $3)
           UNION ALL
           (SELECT seq, deleted_at, task_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
              FROM task_tombstones WHERE owner_id = $1 AND seq > $2 AND $4 ORDER BY seq LIMIT $3)
           ORDER BY seq LIMIT $3
         ) AS change ON true
        ORDER BY change.seq`,
      [ownerId, since, limit + 1, withDeletes],
    );
    const changes: TaskChange[] = [];
    for (const row of rows) {
      if (row.seq === null) continue;
      const seq = Number(row.seq);
      changes.push(row.deleted_at === null ? { type: 'upsert', seq, task: toTask(row) } : { type: 'delete', seq, id: row.id, deletedAt: row.deleted_at });
    }
    const hasMore = changes.length > limit;
    return { changes: changes.slice(0, limit), hasMore, lastSeq: Number(rows[0]?.last_seq ?? 0), purgedSeq: Number(rows[0]?.purged_seq ?? 0) };
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
    // The change number is known only inside the transaction: it is the last parameter.
    assignments.push(`change_seq = $${parameters.values.length + 1}`);
    try {
      const task = await this.dataSource.transaction(async (manager) => {
        const seq = await takeChangeSeq(manager, ownerId);
        const [rows] = await manager.query<[TaskRow[], number]>(
          `UPDATE tasks SET ${assignments.join(', ')} WHERE ${target}${versionCheck} RETURNING ${TASK_COLUMNS}`,
          [...parameters.values, seq],
        );
        if (rows.length === 0) throw new NothingWritten();
        return toTask(rows[0]);
      });
      return { outcome: 'updated', task };
    } catch (error) {
      if (error instanceof NothingWritten) return this.missOutcome(ownerId, id, expected);
      throw error;
    }
  }

  async delete(ownerId: string, id: string, expected: ExpectedVersions): Promise<DeleteOutcome> {
    if (!isUuid(id)) return { outcome: 'not-found' };
    const versionCheck = expected ? ' AND version = ANY($4::int[])' : '';
    try {
      await this.dataSource.transaction(async (manager) => {
        const seq = await takeChangeSeq(manager, ownerId);
        // The tombstone takes the change number of the delete, in the same statement.
        const tombstones = await manager.query<unknown[]>(
          `WITH deleted AS (DELETE FROM tasks WHERE id = $1 AND owner_id = $2${versionCheck} RETURNING id)
           INSERT INTO task_tombstones (owner_id, seq, task_id) SELECT $2, $3, id FROM deleted RETURNING seq`,
          expected ? [id, ownerId, seq, expected] : [id, ownerId, seq],
        );
        if (tombstones.length === 0) throw new NothingWritten();
      });
      return { outcome: 'deleted' };
    } catch (error) {
      if (error instanceof NothingWritten) return this.missOutcome(ownerId, id, expected);
      throw error;
    }
  }

  /** Nothing was written: stale if the caller's task exists (only possible with a version check), else not found. */
  private async missOutcome(ownerId: string, id: string, expected: ExpectedVersions): Promise<MissedWrite> {
    if (!expected) return { outcome: 'not-found' };
    const rows = await this.dataSource.query<unknown[]>('SELECT 1 FROM tasks WHERE id = $1 AND owner_id = $2', [id, ownerId]);
    return rows.length > 0 ? { outcome: 'stale' } : { outcome: 'not-found' };
  }
}
