import { applyDecorators } from '@nestjs/common';
import { ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (validation errors are listed in `errors`).',
  401: 'Missing, invalid or expired access token, or the session has ended.',
  403: 'Forbidden.',
  404: 'Not found, or not yours.',
  409: 'Conflict.',
  410: 'Gone: the sync token has expired (problem type `sync-token-expired`); sync again from the start, without `since`.',
  412: 'The If-Match precondition failed: the resource changed.',
  413: 'Body larger than 100 kB.',
  415: 'Body is not application/json.',
  422: 'The Idempotency-Key was used with a different body.',
  429: 'Rate limited; see Retry-After.',
  503: 'Temporarily unavailable (database down or overloaded); see Retry-After.',
};

/** Documents error responses as application/problem+json with the shared Problem schema. */
export function ApiProblemResponses(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? 'Error.',
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDto) } } },
      }),
    ),
  );
}
