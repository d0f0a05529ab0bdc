import { type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { IS_PUBLIC } from '../common/auth/public.decorator.js';
import { ApiProblem } from '../common/problem/api-problem.js';
import { ACCESS_STRATEGY } from './strategies/jwt-access.strategy.js';
import { REFRESH_STRATEGY } from './strategies/jwt-refresh.strategy.js';

/**
 * Passport reports a bad token as (no user, info); our own checks throw ApiProblem; anything else
 * (the database being down) is passed on untouched so the filter can answer 503, not 401.
 */
function resultOrProblem<T>(error: unknown, user: T | false | null, info: unknown, tokenName: string): T {
  if (error instanceof ApiProblem) throw error;
  if (error) throw error;
  if (!user) {
    const expired = info instanceof Error && info.name === 'TokenExpiredError';
    throw ApiProblem.unauthorized(expired ? `The ${tokenName} has expired.` : `A valid ${tokenName} is required.`);
  }
  return user;
}

/** Global guard: every route needs a live access token unless marked @Public(). */
@Injectable()
export class AccessTokenGuard extends AuthGuard(ACCESS_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<T>(error: unknown, user: T | false | null, info: unknown): T {
    return resultOrProblem(error, user, info, 'access token');
  }
}

/** Only on POST /auth/refresh: the refresh token from the body, checked with the refresh key. */
@Injectable()
export class RefreshTokenGuard extends AuthGuard(REFRESH_STRATEGY) {
  override handleRequest<T>(error: unknown, user: T | false | null, info: unknown): T {
    return resultOrProblem(error, user, info, 'refresh token');
  }
}
