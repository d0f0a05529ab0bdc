import { TaskDto } from './dto/task.dto.js';
import type { Task } from './task.entity.js';

/** One task as a response: the body plus what TaskResponseInterceptor writes into headers. */
export class TaskRepresentation {
  constructor(
    readonly body: TaskDto,
    readonly location: string | null = null,
  ) {}

  static of(task: Task): TaskRepresentation {
    return new TaskRepresentation(TaskDto.from(task));
  }

  static created(task: Task, collectionPath: string): TaskRepresentation {
    return new TaskRepresentation(TaskDto.from(task), `${collectionPath}/${task.id}`);
  }
}
