import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, type Observable } from 'rxjs';
import { TaskRepresentation } from './task-representation.js';

/** Turns a TaskRepresentation into its body and headers; keeps HTTP out of the service. */
@Injectable()
export class TaskResponseInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((result: unknown) => {
        if (!(result instanceof TaskRepresentation)) return result;
        if (result.location) reply.header('Location', result.location);
        return result.body;
      }),
    );
  }
}
