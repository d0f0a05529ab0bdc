import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { taskNotFound } from './task-problems.js';

type SeedRouteRequest = FastifyRequest<{ Params: { user_id?: string } }> & { user?: AuthenticatedUser };

/**
 * The seed-compatible routes name the user in the path (`/api/{user_id}/tasks`). Only the caller's
 * own id is accepted; any other value, well-formed or not, gets the very 404 a foreign task gets.
 * Runs after the access-token guard, before the body is validated.
 */
@Injectable()
export class TaskOwnershipInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<SeedRouteRequest>();
    const caller = request.user;
    const userId = request.params.user_id;
    if (!caller || typeof userId !== 'string' || userId.toLowerCase() !== caller.userId.toLowerCase()) throw taskNotFound();
    return next.handle();
  }
}
