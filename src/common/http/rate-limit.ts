import rateLimit from '@fastify/rate-limit';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { Redis } from 'ioredis';
import type { AppConfig } from '../../config/app-config.js';
import { ApiProblem } from '../problem/api-problem.js';

const WINDOW_MS = 60_000;

interface RateLimitRouteConfig {
  authRateLimited?: boolean;
}

/**
 * register, login and refresh: RATE_LIMIT_AUTH_PER_MIN per client IP, counted per route.
 * Everything else shares RATE_LIMIT_PER_MIN per client IP.
 */
export const AuthRateLimit = () => RouteConfig({ authRateLimited: true } satisfies RateLimitRouteConfig);

const isAuthRoute = (request: FastifyRequest): boolean => (request.routeOptions.config as RateLimitRouteConfig).authRateLimited === true;

/**
 * One connection for the counters. Commands fail at once while it is down (no offline queue) and
 * time out after 500 ms, so a dead or hanging Redis costs a request at most that. The outage is
 * logged once when it starts and once when it ends, not on every reconnect attempt. A short
 * disconnectTimeout: ioredis arms that timer even when the socket is already gone (Redis down),
 * and it would hold the process open on shutdown for its full length.
 */
function connectRedis(url: string): Redis {
  const logger = new Logger('RateLimit');
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 1000,
    commandTimeout: 500,
    disconnectTimeout: 200,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ err: error.message }, 'Redis is unreachable: rate limits are not enforced until it is back');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.log('Redis is reachable again: rate limits are enforced');
  });
  return redis;
}

/**
 * @fastify/rate-limit counts in fastify's onRequest hook, before Nest does any work. The client is
 * `request.ip`: the socket address unless TRUST_PROXY names the proxies to believe. With REDIS_URL
 * the counters (keys under RATE_LIMIT_REDIS_PREFIX) are shared by every instance; if Redis is down
 * the limit is skipped (fail open, logged) so an outage of the limiter never takes the API down.
 */
export async function registerRateLimit(app: NestFastifyApplication, config: AppConfig): Promise<Redis | null> {
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : null;
  await app.register(rateLimit, {
    global: true,
    timeWindow: WINDOW_MS,
    max: (request) => (isAuthRoute(request) ? config.rateLimit.authPerMinute : config.rateLimit.perMinute),
    keyGenerator: (request) => (isAuthRoute(request) ? `auth:${request.routeOptions.url}:${request.ip}` : `api:${request.ip}`),
    allowList: (request) => request.url.startsWith('/health/'),
    redis: redis ?? undefined,
    nameSpace: config.rateLimit.redisPrefix,
    skipOnError: true,
    errorResponseBuilder: (_request, context) =>
      new ApiProblem({
        status: 429,
        slug: 'rate-limited',
        title: 'Too many requests',
        detail: `Rate limit of ${context.max} requests per minute exceeded; retry in ${Math.ceil(context.ttl / 1000)} s.`,
        headers: { 'Retry-After': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      }),
  });
  return redis;
}
