import { ApiCreatedResponse, ApiOkResponse, ApiParam } from '@nestjs/swagger';
import { TaskDto } from './dto/task.dto.js';

/** OpenAPI for what both task route families share. */
export const ApiTaskId = () =>
  ApiParam({ name: 'id', format: 'uuid', description: "A task of yours. Another user's task, an unknown or a malformed id all answer the same 404." });

export const ApiTaskOk = () => ApiOkResponse({ type: TaskDto, description: 'The task as it is now.' });

export const ApiTaskCreated = () =>
  ApiCreatedResponse({
    type: TaskDto,
    description: 'Created.',
    headers: { Location: { description: 'The URL of the new task.', schema: { type: 'string' } } },
  });
