import { type CallHandler, type ExecutionContext, HttpStatus, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { map, type Observable } from 'rxjs';
import { ifNoneMatchMatches } from '../common/http/entity-tags.js';
import { TaskPageDto } from './dto/task-page.dto.js';
import { TaskRepresentation } from './task-representation.js';

/** The request's own path and query with `cursor` for the next page instead of `page` or the old cursor. */
function nextPageUrl(requestUrl: string, cursor: string): string {
  const [path, query = ''] = requestUrl.split('?', 2);
  const parameters = new URLSearchParams(query);
  parameters.delete('page');
  parameters.set('cursor', cursor);
  return `${path}?${parameters.toString()}`;
}

/**
 * Turns a TaskPageDto's nextCursor into a `Link: <…>; rel="next"` header (RFC 8288) and a TaskRepresentation into its body and headers (ETag; Location and Idempotent-Replayed on
 * creation), and answers a GET whose If-None-Match holds the current ETag with 304 and no body.
 * Keeps HTTP out of the service.
 */
@Injectable()
export class TaskResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (result instanceof TaskPageDto) {
          if (result.meta.nextCursor !== null) reply.header('Link', `<${nextPageUrl(request.url, result.meta.nextCursor)}>; rel="next"`);
          return result;
        }
        if (!(result instanceof TaskRepresentation)) return result;
        reply.header('ETag', result.etag);
        if (result.creation) {
          reply.status(result.creation.status);
          if (result.creation.location) reply.header('Location', result.creation.location);
          if (result.creation.replayed) reply.header('Idempotent-Replayed', 'true');
        }
        const isRead = request.method === 'GET' || request.method === 'HEAD';
        if (isRead && ifNoneMatchMatches(request.headers['if-none-match'], result.etag)) {
          reply.status(HttpStatus.NOT_MODIFIED);
          return undefined;
        }
        return result.body;
      }),
    );
  }
}
