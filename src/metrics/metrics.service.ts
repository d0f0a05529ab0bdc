import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';

/** OpenTelemetry's default boundaries for http.server.request.duration, in seconds. */
const OTEL_HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

type DurationLabels = 'http_request_method' | 'http_route' | 'http_response_status_code';

/**
 * Prometheus metrics, on a listener of their own (METRICS_HOST:METRICS_PORT, never the API's port)
 * and only when METRICS_PORT is set. Counters exist either way (an increment costs nothing); the
 * request hook, the default process metrics and the listener only when on. A registry per app, so
 * two apps in one process (the tests) do not share or clash.
 */
@Injectable()
export class MetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly logger = new Logger(MetricsService.name);
  private readonly requestDuration: Histogram<DurationLabels>;
  /** One histogram child per method + route + status: the hot path is a Map lookup and an observe. */
  private readonly durationChildren = new Map<string, { observe(value: number): void }>();
  private readonly authEvents: Counter<'type' | 'reason'>;
  private readonly rateLimitRejections: Counter<'scope'>;
  private server: Server | null = null;

  constructor(
    private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    const registers = [this.registry];
    this.requestDuration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'Duration of HTTP server requests, by route template (never the raw path).',
      labelNames: ['http_request_method', 'http_route', 'http_response_status_code'],
      buckets: OTEL_HTTP_DURATION_BUCKETS,
      registers,
    });
    this.authEvents = new Counter({ name: 'tasknest_auth_events_total', help: 'Security events recorded, by type and reason.', labelNames: ['type', 'reason'], registers });
    this.rateLimitRejections = new Counter({
      name: 'tasknest_rate_limit_rejections_total',
      help: 'Requests refused by the rate limiter, by scope (auth routes or everything else).',
      labelNames: ['scope'],
      registers,
    });
    const pool = () => (this.dataSource.driver as { master?: Pool }).master;
    new Gauge({
      name: 'tasknest_db_pool_connections',
      help: 'Database pool connections by state.',
      labelNames: ['state'],
      registers,
      collect() {
        const current = pool();
        this.set({ state: 'in_use' }, current ? current.totalCount - current.idleCount : 0);
        this.set({ state: 'idle' }, current?.idleCount ?? 0);
      },
    });
    this.gauge('tasknest_db_pool_waiting_requests', 'Queries waiting for a free pool connection.', () => pool()?.waitingCount ?? 0);
    this.registerOutboxGauges();
  }

  get enabled(): boolean {
    return this.config.metrics.port !== null;
  }

  /** A gauge read at scrape time; for the module that owns the number (the hash queue, say). */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  authEvent(type: string, reason: string | null): void {
    this.authEvents.inc({ type, reason: reason ?? '' });
  }

  rateLimited(scope: 'auth' | 'api'): void {
    this.rateLimitRejections.inc({ scope });
  }

  /** Called by app.setup: one observe per response, labelled with fastify's route template. */
  attach(fastify: FastifyInstance): void {
    if (!this.enabled) return;
    fastify.addHook('onResponse', (request, reply, done) => {
      // Unmatched paths (404s) have no template: an empty label, never the raw path.
      const route = request.routeOptions.url ?? '';
      const key = `${request.method} ${route} ${reply.statusCode}`;
      let child = this.durationChildren.get(key);
      if (!child) {
        child = this.requestDuration.labels(request.method, route, String(reply.statusCode));
        this.durationChildren.set(key, child);
      }
      child.observe(reply.elapsedTime / 1000);
      done();
    });
  }

  /** The listener's address once it is up (METRICS_PORT=0 picks a free port); null when off. */
  address(): AddressInfo | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.metrics.port === null) return;
    collectDefaultMetrics({ register: this.registry });
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found\n');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'Content-Type': this.registry.contentType }).end(text),
        (error: unknown) => {
          this.logger.error({ err: error }, 'could not collect metrics');
          response.writeHead(500, { 'Content-Type': 'text/plain' }).end('Could not collect metrics\n');
        },
      );
    });
    const { port, host } = this.config.metrics;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
    this.logger.log({ metricsPort: this.address()?.port, metricsHost: host }, 'metrics listening');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Unsent mail: how many, and how long the oldest has waited. One query per scrape. */
  private registerOutboxGauges(): void {
    const dataSource = this.dataSource;
    const logger = this.logger;
    let last: Promise<{ pending: number; oldestAgeSeconds: number } | null> | null = null;
    // Both gauges are collected in one scrape; they share the one query.
    const read = () => {
      last ??= dataSource
        .query<{ pending: string; oldest_age_seconds: string | null }[]>(
          `SELECT count(*) AS pending, extract(epoch FROM now() - min(created_at)) AS oldest_age_seconds FROM mail_outbox WHERE sent_at IS NULL`,
        )
        .then(([row]) => ({ pending: Number(row?.pending ?? 0), oldestAgeSeconds: Number(row?.oldest_age_seconds ?? 0) }))
        // The database being down must not fail the whole scrape: these two keep their last values.
        .catch((error: unknown) => {
          logger.warn({ err: error }, 'could not read the mail outbox for metrics');
          return null;
        })
        .finally(() => setImmediate(() => (last = null)));
      return last;
    };
    new Gauge({
      name: 'tasknest_mail_outbox_pending',
      help: 'Mails written to the outbox and not sent yet.',
      registers: [this.registry],
      async collect() {
        const outbox = await read();
        if (outbox) this.set(outbox.pending);
      },
    });
    new Gauge({
      name: 'tasknest_mail_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest unsent mail (0 when none waits).',
      registers: [this.registry],
      async collect() {
        const outbox = await read();
        if (outbox) this.set(outbox.oldestAgeSeconds);
      },
    });
  }
}
