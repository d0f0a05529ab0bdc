import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { AppConfig } from '../../config/app-config.js';
import { ApiProblem } from '../problem/api-problem.js';

const WINDOW_MS = 60_000;

interface RateLimitRouteConfig {
  authRateLimited?: boolean;
  /** Count on the counter of this route instead of the route's own (a dialect's twin shares the limit of its original). */
  authRateLimitRoute?: string;
}

/**
 * register, login, refresh, the emailed-link routes and the two that check the current password
 * (password change, account deletion): RATE_LIMIT_AUTH_PER_MIN per client IP, counted per route.
 * Everything else shares RATE_LIMIT_PER_MIN per client IP. `countedAs` (the route URL of the original,
 * e.g. `/api/v1/auth/login`) makes a dialect's twin share that route's counter, so two dialects never double the limit.
 */
export const AuthRateLimit = (countedAs?: string) => RouteConfig({ authRateLimited: true, authRateLimitRoute: countedAs } satisfies RateLimitRouteConfig);

const routeConfig = (request: FastifyRequest): RateLimitRouteConfig => request.routeOptions.config as RateLimitRouteConfig;
const isAuthRoute = (request: FastifyRequest): boolean => routeConfig(request).authRateLimited === true;
const authCounter = (request: FastifyRequest): string | undefined => routeConfig(request).authRateLimitRoute ?? request.routeOptions.url;

/**
 * @fastify/rate-limit counts in fastify's onRequest hook, before Nest does any work. The client is
 * `request.ip`: the socket address unless TRUST_PROXY names the proxies to believe. With REDIS_URL
 * the counters (keys under RATE_LIMIT_REDIS_PREFIX) are shared by every instance; if Redis is down
 * the limit is skipped (fail open, logged) so an outage of the limiter never takes the API down.
 */
/** `redis` null: counters in memory, per instance. `onExceeded` hears every refused request. */
export async function registerRateLimit(
  app: NestFastifyApplication,
  config: AppConfig,
  redis: Redis | null,
  onExceeded: (request: FastifyRequest, key: string, scope: 'auth' | 'api') => void = () => undefined,
): Promise<void> {
  await app.register(rateLimit, {
    global: true,
    timeWindow: WINDOW_MS,
    max: (request) => (isAuthRoute(request) ? config.rateLimit.authPerMinute : config.rateLimit.perMinute),
    keyGenerator: (request) => (isAuthRoute(request) ? `auth:${authCounter(request)}:${request.ip}` : `api:${request.ip}`),
    allowList: (request) => request.url.startsWith('/health/'),
    redis: redis ?? undefined,
    nameSpace: config.rateLimit.redisPrefix,
    skipOnError: true,
    onExceeded: (request, key) => onExceeded(request, key, isAuthRoute(request) ? 'auth' : 'api'),
    errorResponseBuilder: (_request, context) =>
      new ApiProblem({
        status: 429,
        slug: 'rate-limited',
        title: 'Too many requests',
        detail: `Rate limit of ${context.max} requests per minute exceeded; retry in ${Math.ceil(context.ttl / 1000)} s.`,
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      }),
  });
}
