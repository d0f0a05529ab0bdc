import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { Strategy } from 'passport-jwt';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { AUTHENTICATION_OPTIONAL } from '../common/auth/optional-authentication.decorator.js';
import { IS_PUBLIC } from '../common/auth/public.decorator.js';
import { ApiProblem } from '../common/problem/api-problem.js';
import { SecurityEventsService } from '../security-events/security-events.service.js';
import { JwtAccessStrategy } from './strategies/jwt-access.strategy.js';
import { JwtRefreshStrategy } from './strategies/jwt-refresh.strategy.js';
import type { RefreshCaller } from './token-claims.js';

type RequestWithUser<T> = FastifyRequest & { user?: T };

/**
 * Runs this app's own strategy instance on the request, the way passport.authenticate() does
 * (a per-request object whose success/fail/error settle the promise). @nestjs/passport's AuthGuard
 * looks strategies up by name in passport's process-wide registry instead, where the last app
 * created wins: with two instances in one process (the e2e tests) one would check the other's
 * sessions, and fail once that one is closed.
 *
 * A bad token settles as a 401 problem; our own ApiProblems pass through; anything else (the
 * database being down) is rethrown untouched so the filter can answer 503, not 401.
 */
function authenticate<T>(strategy: Strategy, request: FastifyRequest, tokenName: string, events: SecurityEventsService): Promise<T> {
  // 'access token' → 'access': never the token itself.
  const rejected = (reason: string) => events.record({ type: 'token.rejected', reason, detail: { tokenType: tokenName.split(' ')[0] } });
  return new Promise<T>((resolve, reject) => {
    const unauthorized = (info: unknown) => {
      const expired = info instanceof Error && info.name === 'TokenExpiredError';
      rejected(expired ? 'expired' : info instanceof Error && info.message === 'No auth token' ? 'missing' : 'invalid');
      reject(ApiProblem.unauthorized(expired ? `The ${tokenName} has expired.` : `A valid ${tokenName} is required.`));
    };
    const attempt: Strategy = Object.assign(Object.create(strategy) as Strategy, {
      success: (user: T) => resolve(user),
      fail: unauthorized,
      error: (error: unknown) => {
        // The strategy's own 401s: the signature was good, the claims or the session were not.
        if (error instanceof ApiProblem && error.problem.status === 401) rejected('session_ended');
        reject(error);
      },
      pass: () => unauthorized(null),
      redirect: () => unauthorized(null),
    });
    // Typed for express; passport-jwt only reads the headers and the parsed body, which fastify has too.
    attempt.authenticate(request as never);
  });
}

/** Global guard: every route needs a live access token unless marked @Public() (or @OptionallyAuthenticated() and sent none). */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: JwtAccessStrategy,
    private readonly events: SecurityEventsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<RequestWithUser<AuthenticatedUser>>();
    const optional = this.reflector.getAllAndOverride<boolean>(AUTHENTICATION_OPTIONAL, [context.getHandler(), context.getClass()]);
    if (optional && request.headers.authorization === undefined) return true;
    request.user = await authenticate<AuthenticatedUser>(this.strategy, request, 'access token', this.events);
    return true;
  }
}

/** Only on POST /auth/refresh: the refresh token from the body, checked with the refresh key. */
@Injectable()
export class RefreshTokenGuard implements CanActivate {
  constructor(
    private readonly strategy: JwtRefreshStrategy,
    private readonly events: SecurityEventsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithUser<RefreshCaller>>();
    // Guards run before the validation pipe: a body without a string token is malformed (400), not a bad token (401).
    const body: unknown = request.body;
    const token = typeof body === 'object' && body !== null ? (body as { refreshToken?: unknown }).refreshToken : undefined;
    if (typeof token !== 'string') throw ApiProblem.validation([{ field: 'refreshToken', message: 'refreshToken must be a string' }]);
    request.user = await authenticate<RefreshCaller>(this.strategy, request, 'refresh token', this.events);
    return true;
  }
}
