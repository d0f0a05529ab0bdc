import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { ApiProblemResponses } from '../problem/api-problem-responses.decorator.js';
import { ACCESS_TOKEN_SCHEME } from './authenticated.decorator.js';
import type { AuthenticatedUser } from './authenticated-user.js';

export const AUTHENTICATION_OPTIONAL = 'tasknest:authenticationOptional';

/**
 * A route for callers with or without an access token: without an Authorization header the guard
 * lets the request through anonymously; a token that is sent must be valid (401 otherwise).
 * Documented as both security alternatives: the bearer scheme, or none.
 */
export const OptionallyAuthenticated = () =>
  applyDecorators(SetMetadata(AUTHENTICATION_OPTIONAL, true), ApiBearerAuth(ACCESS_TOKEN_SCHEME), ApiSecurity({}), ApiProblemResponses(401, 429, 503));

/** The caller on an @OptionallyAuthenticated() route, or null when no token was sent. */
export const CurrentUserIfAny = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser | null => {
  return context.switchToHttp().getRequest<FastifyRequest & { user?: AuthenticatedUser }>().user ?? null;
});
