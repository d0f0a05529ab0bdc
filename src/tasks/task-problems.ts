import { HttpStatus } from '@nestjs/common';
import { ApiProblem } from '../common/problem/api-problem.js';

/** One answer for another user's task, an unknown id and a malformed id: it never tells which. */
export const taskNotFound = () => ApiProblem.notFound('The task does not exist.');

/** If-Match named a version the task is no longer at. Only ever said about the caller's own task. */
export const taskChanged = () =>
  new ApiProblem({
    status: HttpStatus.PRECONDITION_FAILED,
    slug: 'precondition-failed',
    title: 'Precondition failed',
    detail: 'The task has changed since the ETag in If-Match was issued; nothing was written. GET it again and retry.',
  });

export const idempotencyKeyInFlight = () =>
  new ApiProblem({
    status: HttpStatus.CONFLICT,
    slug: 'idempotency-key-in-flight',
    title: 'Conflict',
    detail: 'A request with this Idempotency-Key is still being processed; retry shortly to get its response.',
    headers: { 'Retry-After': '1' },
  });

export const idempotencyKeyReused = () =>
  new ApiProblem({
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    slug: 'idempotency-key-reused',
    title: 'Unprocessable content',
    detail: 'This Idempotency-Key was already used with a different body; use a new key for a new request.',
  });
