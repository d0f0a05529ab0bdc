import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyRequest } from 'fastify';

/** Who sent the request an event is about: set once per request, read wherever an event is recorded. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  userAgent: string | null;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function contextOf(request: FastifyRequest): RequestContext {
  const userAgent = request.headers['user-agent'];
  return { requestId: request.id, ip: request.ip ? request.ip.slice(0, 64) : null, userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null };
}
