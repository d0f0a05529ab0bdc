import { type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config.js';

const AUTH_RATE_LIMITED = 'tasknest:authRateLimited';
const MINUTE_MS = 60_000;

/**
 * register, login and refresh: RATE_LIMIT_AUTH_PER_MIN per client IP, counted per route
 * (the throttler key includes the handler). They are exempt from the general limit.
 */
export const AuthRateLimit = () => SetMetadata(AUTH_RATE_LIMITED, true);

const isAuthRateLimited = (context: ExecutionContext): boolean => Reflect.getMetadata(AUTH_RATE_LIMITED, context.getHandler()) === true;

export function throttlers(config: AppConfig): ThrottlerOptions[] {
  return [
    { name: 'auth', limit: config.rateLimit.authPerMinute, ttl: MINUTE_MS, skipIf: (context) => !isAuthRateLimited(context) },
    { name: 'default', limit: config.rateLimit.perMinute, ttl: MINUTE_MS, skipIf: isAuthRateLimited },
  ];
}
