import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { TASK_PRIORITIES, type TaskPriority } from '../task.entity.js';
import type { TaskDto } from './task.dto.js';

/** A task in the seed dialect (`/api/{user_id}/tasks…`): the seed's snake_case Task plus tasknest's own fields. */
@ApiSchema({ name: 'SeedTask', description: "The seed app's Task (snake_case), plus tasknest's priority, due_date and completed_at." })
export class SeedTaskDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid', description: 'The owner: always your own id.' })
  user_id: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Water the plants' })
  title: string;

  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 2000,
    description: 'Writes here accept at most 1000 characters (the seed limit); a task written through /api/v1 may hold up to 2000.',
  })
  description: string | null;

  @ApiProperty()
  completed: boolean;

  @ApiProperty({ enum: TASK_PRIORITIES, enumName: 'TaskPriority', description: 'tasknest extension; set it through /api/v1/tasks.' })
  priority: TaskPriority;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'tasknest extension; set it through /api/v1/tasks.' })
  due_date: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'tasknest extension: when the task was completed; null while open.' })
  completed_at: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;

  /** `userId` is the owner's id: /api/v1's body does not carry it, since there it is always the caller. */
  static from(task: TaskDto, userId: string): SeedTaskDto {
    return {
      id: task.id,
      user_id: userId,
      title: task.title,
      description: task.description,
      completed: task.completed,
      priority: task.priority,
      due_date: task.dueDate,
      completed_at: task.completedAt,
      created_at: task.createdAt,
      updated_at: task.updatedAt,
    };
  }
}
