import { TaskDto } from './dto/task.dto.js';
import type { StoredResponse } from './idempotency-keys.service.js';
import { FIRST_VERSION, taskEtag } from './task-etag.js';
import type { Task } from './task.entity.js';

interface Creation {
  status: number;
  location: string | null;
  replayed: boolean;
}

/**
 * One task as a response: the body plus what TaskResponseInterceptor writes into the status and headers.
 * The body is /api/v1's TaskDto unless a dialect at the edge renders it otherwise (`as`).
 */
export class TaskRepresentation<Body = TaskDto> {
  constructor(
    readonly body: Body,
    readonly etag: string,
    readonly creation: Creation | null = null,
  ) {}

  /** The same response (status, ETag, Location, replay flag) with the body in another dialect. */
  as<Other>(render: (body: Body) => Other): TaskRepresentation<Other> {
    return new TaskRepresentation(render(this.body), this.etag, this.creation);
  }

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
