import { createHmac } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { poolQuery } from '../database/pool-query.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { contextOf, requestContext } from './request-context.js';
import type { SecurityEventDetail, SecurityEventType } from './security-event.entity.js';

export const SECURITY_EVENT_RETENTION_DAYS = 90;
const PURGE_INTERVAL_MS = 3600 * 1000;
/** One rate_limit.exceeded event per client key and window, however many requests it sends. */
const RATE_LIMIT_EVENT_WINDOW_MS = 60_000;
const MAX_RATE_LIMITED_KEYS = 10_000;
const WARN_TYPES: ReadonlySet<SecurityEventType> = new Set(['login.failed', 'refresh.reuse_detected', 'rate_limit.exceeded', 'token.rejected']);

export interface SecurityEventInput {
  type: SecurityEventType;
  userId?: string | null;
  reason?: string;
  /** Only for an address with no account: stored as an HMAC, never in clear, never logged. */
  unknownEmail?: string;
  detail?: SecurityEventDetail;
}

interface EventLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * Records every authentication event twice: a row in security_events (what a user's activity page
 * and an operator's queries read) and one JSON log line with `event`, `requestId`, `userId`, `ip`.
 * Recording never fails or slows the request it describes: the insert is not awaited, and a failed
 * one is logged, not thrown. Who sent the request comes from the request context (app.setup).
 */
@Injectable()
export class SecurityEventsService implements OnModuleDestroy {
  private readonly logger = new Logger(SecurityEventsService.name);
  private sink: EventLogger = {
    info: (fields, message) => this.logger.log(fields, message),
    warn: (fields, message) => this.logger.warn(fields, message),
    error: (fields, message) => this.logger.error(fields, message),
  };
  private readonly writes = new Set<Promise<void>>();
  private readonly rateLimitedKeys = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** Called by app.setup: the request context for every request, and fastify's logger for the lines. */
  attach(fastify: FastifyInstance): void {
    this.sink = fastify.log;
    fastify.addHook('onRequest', (request, _reply, done) => requestContext.run(contextOf(request), done));
  }

  /** `request` only where the request context is not set yet (fastify hooks that run before ours). */
  record(input: SecurityEventInput, request?: FastifyRequest): void {
    const context = request ? contextOf(request) : (requestContext.getStore() ?? null);
    const userId = input.userId ?? null;
    const reason = input.reason ?? null;
    const detail = input.unknownEmail === undefined ? (input.detail ?? null) : { ...input.detail, emailHmac: this.emailHmac(input.unknownEmail) };
    this.metrics.authEvent(input.type, reason);
    const { emailHmac: _hidden, ...logged } = detail ?? {};
    const level = WARN_TYPES.has(input.type) ? 'warn' : 'info';
    this.sink[level]({ event: input.type, reason, requestId: context?.requestId ?? null, userId, ip: context?.ip ?? null, ...logged }, 'security event');

    const write = poolQuery(
      this.dataSource,
      'INSERT INTO security_events (user_id, type, reason, ip, user_agent, request_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [userId, input.type, reason, context?.ip ?? null, context?.userAgent ?? null, context?.requestId ?? null, detail === null ? null : JSON.stringify(detail)],
    ).then(
      () => undefined,
      (error: unknown) => this.sink.error({ err: error, event: input.type, requestId: context?.requestId ?? null }, 'could not record a security event'),
    );
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /** From the rate limiter: every refusal is counted, one event per client and window is recorded. */
  rateLimitExceeded(request: FastifyRequest, key: string, scope: 'auth' | 'api'): void {
    this.metrics.rateLimited(scope);
    const now = Date.now();
    if ((this.rateLimitedKeys.get(key) ?? 0) > now) return;
    if (this.rateLimitedKeys.size >= MAX_RATE_LIMITED_KEYS) this.rateLimitedKeys.clear();
    this.rateLimitedKeys.set(key, now + RATE_LIMIT_EVENT_WINDOW_MS);
    this.record({ type: 'rate_limit.exceeded', reason: scope, detail: { route: request.routeOptions.url ?? '' } }, request);
  }

  @Interval(PURGE_INTERVAL_MS)
  async purgeExpired(): Promise<number> {
    try {
      const [, deleted] = await this.dataSource.query<[unknown, number]>(
        'DELETE FROM security_events WHERE created_at < now() - make_interval(days => $1)',
        [SECURITY_EVENT_RETENTION_DAYS],
      );
      return deleted;
    } catch (error) {
      // The database may be down for a while; the next run catches up.
      this.logger.warn({ err: error }, 'could not purge old security events');
      return 0;
    }
  }

  /** Inserts still in flight finish before the pool closes. */
  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.writes);
  }

  /** Keyed, so attempts on one address can be counted but the address cannot be guessed back from a dump. */
  private emailHmac(email: string): string {
    return createHmac('sha256', this.config.securityEvents.hmacSecret).update(email.trim().toLowerCase()).digest('hex');
  }
}
