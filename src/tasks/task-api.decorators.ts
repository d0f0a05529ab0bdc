import { applyDecorators, type Type } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiParam, ApiResponse } from '@nestjs/swagger';
import { IDEMPOTENCY_KEY_PATTERN } from '../common/http/idempotency-key.decorator.js';
import { TaskDto } from './dto/task.dto.js';

/** OpenAPI for what both task route families share; `type` is the task body of the family (TaskDto for /api/v1). */

const ETAG_HEADER = {
  ETag: { required: true, description: 'The version of this task, a strong validator: send it back in If-Match (writes) or If-None-Match (GET).', schema: { type: 'string', example: '"v3-0f9c1c8e"' } },
};

export const ApiTaskId = (name = 'id') =>
  ApiParam({ name, format: 'uuid', description: "A task of yours. Another user's task, an unknown or a malformed id all answer the same 404." });

export const ApiTaskOk = (type: Type<unknown> = TaskDto) => ApiOkResponse({ type, description: 'The task as it is now.', headers: ETAG_HEADER });

export const ApiTaskCreated = (type: Type<unknown> = TaskDto) =>
  applyDecorators(
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        'Makes retries safe: a repeat with the same key and an equal body (compared after validation, with defaults applied) within 24 h ' +
        'replays the first response with `Idempotent-Replayed: true` and creates nothing; a different body is 422; a repeat while the ' +
        'first is still running is 409. Keys are per user. Use a fresh random value (e.g. a UUID) per new task.',
      schema: { type: 'string', minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY_PATTERN.source },
    }),
    ApiCreatedResponse({
      type,
      description: 'Created (or, with `Idempotent-Replayed: true`, the first response to this Idempotency-Key again).',
      headers: {
        ...ETAG_HEADER,
        Location: { required: true, description: 'The URL of the new task.', schema: { type: 'string' } },
        'Idempotent-Replayed': { description: '`true` when this is the stored response to an earlier request with the same Idempotency-Key.', schema: { type: 'string', enum: ['true'] } },
      },
    }),
  );

export const ApiIfMatch = () =>
  ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'The ETag you last saw (or `*`). The write happens only if the task is still at that version; otherwise 412 and nothing changes. ' +
      'Leave it out to write unconditionally. Every successful write makes a new version, even one that changes no value.',
    schema: { type: 'string', example: '"v3-0f9c1c8e"' },
  });

export const ApiIfNoneMatch = () =>
  applyDecorators(
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'The ETag you hold; if the task is still at that version the answer is 304 with no body.',
      schema: { type: 'string', example: '"v3-0f9c1c8e"' },
    }),
    ApiResponse({ status: 304, description: 'Not modified: the ETag in If-None-Match is current. No body.', headers: ETAG_HEADER }),
  );
