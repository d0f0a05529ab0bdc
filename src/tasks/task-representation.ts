import { TaskDto } from './dto/task.dto.js';
import type { StoredResponse } from './idempotency-keys.service.js';
import { FIRST_VERSION, taskEtag } from './task-etag.js';
import type { Task } from './task.entity.js';

interface Creation {
  status: number;
  location: string | null;
  replayed: boolean;
}

/** One task as a response: the body plus what TaskResponseInterceptor writes into the status and headers. */
export class TaskRepresentation {
  constructor(
    readonly body: TaskDto,
    readonly etag: string,
    readonly creation: Creation | null = null,
  ) {}

  static of(task: Task): TaskRepresentation {
    return new TaskRepresentation(TaskDto.from(task), taskEtag(task.id, task.version));
  }

  /** A creation response, first sent or replayed: it shows the task as created, at its first version. */
  static created(response: StoredResponse<TaskDto>, replayed: boolean): TaskRepresentation {
    return new TaskRepresentation(TaskDto.copy(response.body), taskEtag(response.body.id, FIRST_VERSION), {
      status: response.status,
      location: response.location,
      replayed,
    });
  }
}
