import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RefreshCaller } from './token-claims.js';

/** The verified refresh-token claims, put on the request by RefreshTokenGuard. */
export const RefreshCallerParam = createParamDecorator((_data: unknown, context: ExecutionContext): RefreshCaller => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { user?: RefreshCaller }>();
  if (!request.user) throw new Error('RefreshCallerParam used without RefreshTokenGuard');
  return request.user;
});
