import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import type { CompleteTaskDto } from './dto/complete-task.dto.js';
import type { CreateTaskDto } from './dto/create-task.dto.js';
import type { ListTasksQueryDto } from './dto/list-tasks-query.dto.js';
import { TaskPageDto } from './dto/task-page.dto.js';
import type { UpdateTaskDto } from './dto/update-task.dto.js';
import { taskNotFound } from './task-problems.js';
import { TaskRepresentation } from './task-representation.js';
import { type NewTask, type TaskChanges, TaskRepository, type UpdateOutcome } from './task.repository.js';

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

/** The rules for one user's tasks; every call is scoped to the caller by TaskRepository. */
@Injectable()
export class TasksService {
  constructor(private readonly tasks: TaskRepository) {}

  async list(caller: AuthenticatedUser, query: ListTasksQueryDto): Promise<TaskPageDto> {
    const { tasks, total } = await this.tasks.list(caller.userId, query);
    return TaskPageDto.from(tasks, total, query.page, query.limit);
  }

  async get(caller: AuthenticatedUser, id: string): Promise<TaskRepresentation> {
    const task = await this.tasks.findOne(caller.userId, id);
    if (!task) throw taskNotFound();
    return TaskRepresentation.of(task);
  }

  async create(caller: AuthenticatedUser, body: CreateTaskDto, collectionPath: string): Promise<TaskRepresentation> {
    const task = await this.tasks.insert(caller.userId, newTaskFrom(body));
    return TaskRepresentation.created(task, collectionPath);
  }

  /** PUT: every field is replaced; those left out go back to their defaults. */
  async replace(caller: AuthenticatedUser, id: string, body: CreateTaskDto): Promise<TaskRepresentation> {
    return this.write(caller, id, newTaskFrom(body));
  }

  async update(caller: AuthenticatedUser, id: string, body: UpdateTaskDto): Promise<TaskRepresentation> {
    return this.write(caller, id, changesFrom(body));
  }

  /** Toggles `completed`, or sets it when the body says which. */
  async complete(caller: AuthenticatedUser, id: string, body: CompleteTaskDto): Promise<TaskRepresentation> {
    return this.write(caller, id, { completed: body.completed ?? 'toggle' });
  }

  async remove(caller: AuthenticatedUser, id: string): Promise<void> {
    const result = await this.tasks.delete(caller.userId, id, null);
    if (result.outcome !== 'deleted') throw taskNotFound();
  }

  private async write(caller: AuthenticatedUser, id: string, changes: TaskChanges): Promise<TaskRepresentation> {
    const result: UpdateOutcome = await this.tasks.update(caller.userId, id, changes, null);
    if (result.outcome !== 'updated') throw taskNotFound();
    return TaskRepresentation.of(result.task);
  }
}
