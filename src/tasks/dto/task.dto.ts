import { ApiProperty } from '@nestjs/swagger';
import { TASK_PRIORITIES, type Task, type TaskPriority } from '../task.entity.js';

export class TaskDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Water the plants' })
  title: string;

  @ApiProperty({ type: String, nullable: true, maxLength: 2000 })
  description: string | null;

  @ApiProperty()
  completed: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set by the server when the task becomes completed; null while open.' })
  completedAt: string | null;

  @ApiProperty({ enum: TASK_PRIORITIES, enumName: 'TaskPriority' })
  priority: TaskPriority;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  dueDate: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt: string;

  /** The same task with its keys in the usual order: jsonb storage (idempotent replays) reorders them. */
  static copy(dto: TaskDto): TaskDto {
    const { id, title, description, completed, completedAt, priority, dueDate, createdAt, updatedAt } = dto;
    return { id, title, description, completed, completedAt, priority, dueDate, createdAt, updatedAt };
  }

  static from(task: Task): TaskDto {
    return {
      id: task.id,
      title: task.title,
      description: task.description,
      completed: task.completed,
      completedAt: task.completedAt?.toISOString() ?? null,
      priority: task.priority,
      dueDate: task.dueDate?.toISOString() ?? null,
      createdAt: task.createdAt.toISOString(),
      updatedAt: task.updatedAt.toISOString(),
    };
  }
}
