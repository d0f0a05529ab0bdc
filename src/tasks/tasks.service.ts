import { HttpStatus, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import type { IfMatch } from '../common/http/entity-tags.js';
import { ApiProblem } from '../common/problem/api-problem.js';
import type { CompleteTaskDto } from './dto/complete-task.dto.js';
import type { CreateTaskDto } from './dto/create-task.dto.js';
import type { ListTasksQueryDto } from './dto/list-tasks-query.dto.js';
import { TaskPageDto } from './dto/task-page.dto.js';
import { TaskDto } from './dto/task.dto.js';
import type { UpdateTaskDto } from './dto/update-task.dto.js';
import { IdempotencyKeysService, type StoredResponse } from './idempotency-keys.service.js';
import { versionsIn } from './task-etag.js';
import { taskChanged, taskNotFound } from './task-problems.js';
import { TaskChangeNotifier } from './task-change-notifier.js';
import { type CursorScope, TaskCursors } from './task-cursors.js';
import { TaskRepresentation } from './task-representation.js';
import { type ExpectedVersions, type MissedWrite, type NewTask, type TaskChanges, TaskRepository } from './task.repository.js';

const toDate = (value: string | null): Date | null => (value === null ? null : new Date(value));

/** A full task from a POST or PUT body: what is left out takes its default. */
function newTaskFrom(body: CreateTaskDto): NewTask {
  return {
    title: body.title,
    description: body.description ?? null,
    priority: body.priority ?? 'medium',
    dueDate: toDate(body.dueDate ?? null),
    completed: body.completed ?? false,
  };
}

/** Only the fields a PATCH body names. */
function changesFrom(body: UpdateTaskDto): TaskChanges {
  const changes: TaskChanges = {};
  if (body.title !== undefined) changes.title = body.title;
  if (body.description !== undefined) changes.description = body.description;
  if (body.priority !== undefined) changes.priority = body.priority;
  if (body.dueDate !== undefined) changes.dueDate = toDate(body.dueDate);
  if (body.completed !== undefined) changes.completed = body.completed;
  return changes;
}

/** No If-Match, or `*`: any version will do. Otherwise only the versions its tags name for this task. */
function expectedVersions(id: string, ifMatch: IfMatch): ExpectedVersions {
  return ifMatch === null || ifMatch === '*' ? null : versionsIn(ifMatch, id);
}

function problemFor(missed: MissedWrite): Error {
  return missed.outcome === 'stale' ? taskChanged() : taskNotFound();
}

/**
 * The rules for one user's tasks; every call is scoped to the caller by TaskRepository. Every
 * successful write is a new version (new ETag and updatedAt), even one that sends the values the
 * task already has, and a new entry of the changes feed; this instance's event streams are woken
 * at once, the other instances' by the NOTIFY of the write's transaction.
 */
@Injectable()
export class TasksService {
  constructor(
    private readonly tasks: TaskRepository,
    private readonly idempotencyKeys: IdempotencyKeysService,
    private readonly notifier: TaskChangeNotifier,
    private readonly cursors: TaskCursors,
  ) {}

  /**
   * Page mode (offset, always counted) or cursor mode (keyset after the cursor's task, counted only
   * with withTotal). Both answer a cursor for the tasks after the page, bound to the caller, the
   * sort and the filters.
   */
  async list(caller: AuthenticatedUser, query: ListTasksQueryDto): Promise<TaskPageDto> {
    const scope: CursorScope = { ownerId: caller.userId, sort: query.sort, completed: query.completed, priority: query.priority, q: query.q };
    const filters = { sort: query.sort, limit: query.limit, completed: query.completed, priority: query.priority, q: query.q };
    if (query.cursor === undefined) {
      const page = query.page ?? 1;
      const { tasks, next, total } = await this.tasks.list(caller.userId, { ...filters, page });
      return TaskPageDto.ofPage(tasks, total ?? 0, page, query.limit, next && this.cursors.encode(scope, next));
    }
    if (query.page !== undefined) throw ApiProblem.badRequest('page-and-cursor', 'Send either page or cursor, not both.');
    const after = this.cursors.decode(scope, query.cursor);
    if (!after) {
      throw ApiProblem.badRequest('invalid-cursor', 'The cursor is not valid here: use a meta.nextCursor from this list, with the same sort and filters.');
    }
    const { tasks, next, total } = await this.tasks.list(caller.userId, { ...filters, after, withTotal: query.withTotal === true });
    return TaskPageDto.ofCursor(tasks, query.limit, total, next && this.cursors.encode(scope, next));
  }

  async get(caller: AuthenticatedUser, id: string): Promise<TaskRepresentation> {
    const task = await this.tasks.findOne(caller.userId, id);
    if (!task) throw taskNotFound();
    return TaskRepresentation.of(task);
  }

  /**
   * With an Idempotency-Key the task and the stored response are written in one transaction; the
   * key's fingerprint is taken from the task as validated, with defaults applied, so bodies that
   * mean the same task count as the same body.
   */
  async create(caller: AuthenticatedUser, body: CreateTaskDto, collectionPath: string, idempotencyKey: string | null): Promise<TaskRepresentation> {
    const task = newTaskFrom(body);
    const insert = async (manager?: EntityManager): Promise<StoredResponse<TaskDto>> => {
      const created = await this.tasks.insert(caller.userId, task, manager);
      return { status: HttpStatus.CREATED, body: TaskDto.from(created), location: `${collectionPath}/${created.id}` };
    };
    if (idempotencyKey === null) {
      const response = await insert();
      this.notifier.changed(caller.userId);
      return TaskRepresentation.created(response, false);
    }
    const { response, replayed } = await this.idempotencyKeys.once(caller.userId, idempotencyKey, task, insert);
    if (!replayed) this.notifier.changed(caller.userId);
    return TaskRepresentation.created(response, replayed);
  }

  /** PUT: every field is replaced; those left out go back to their defaults. */
  async replace(caller: AuthenticatedUser, id: string, body: CreateTaskDto, ifMatch: IfMatch): Promise<TaskRepresentation> {
    return this.write(caller, id, newTaskFrom(body), ifMatch);
  }

  async update(caller: AuthenticatedUser, id: string, body: UpdateTaskDto, ifMatch: IfMatch): Promise<TaskRepresentation> {
    return this.write(caller, id, changesFrom(body), ifMatch);
  }

  /** Toggles `completed`, or sets it when the body says which. */
  async complete(caller: AuthenticatedUser, id: string, body: CompleteTaskDto, ifMatch: IfMatch): Promise<TaskRepresentation> {
    return this.write(caller, id, { completed: body.completed ?? 'toggle' }, ifMatch);
  }

  async remove(caller: AuthenticatedUser, id: string, ifMatch: IfMatch): Promise<void> {
    const result = await this.tasks.delete(caller.userId, id, expectedVersions(id, ifMatch));
    if (result.outcome !== 'deleted') throw problemFor(result);
    this.notifier.changed(caller.userId);
  }

  private async write(caller: AuthenticatedUser, id: string, changes: TaskChanges, ifMatch: IfMatch): Promise<TaskRepresentation> {
    const result = await this.tasks.update(caller.userId, id, changes, expectedVersions(id, ifMatch));
    if (result.outcome !== 'updated') throw problemFor(result);
    this.notifier.changed(caller.userId);
    return TaskRepresentation.of(result.task);
  }
}
