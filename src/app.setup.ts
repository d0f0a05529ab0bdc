import { type LoggerService, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { RequestLogController } from './common/logging/logger.js';
import { registerRateLimit } from './common/http/rate-limit.js';
import { RedisConnection } from './common/redis/redis-connection.js';
import { StrictValidationPipe } from './common/http/strict-validation.pipe.js';
import { requestIdFor } from './common/http/request-id.js';
import { securityHeaders } from './common/http/security-headers.js';
import { buildOpenApiDocument } from './common/openapi/openapi-document.js';
import { ApiProblem } from './common/problem/api-problem.js';
import { ProblemDetailsFilter } from './common/problem/problem-details.filter.js';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import type { DatabaseConnection } from './database/data-source-options.js';

const BODY_LIMIT_BYTES = 100 * 1024;
/** An idle kept-alive connection is closed after this long. */
const KEEP_ALIVE_TIMEOUT_MS = 60_000;
/** Node looks for requests past their timeout only this often (30 s by default, which would double the timeout). */
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

function createHttpAdapter(config: AppConfig, logger: Logger): FastifyAdapter {
  const requestTimeoutMs = config.requestTimeoutSeconds * 1000;
  return new FastifyAdapter({
    // Slow clients (slowloris): headers and body within REQUEST_TIMEOUT, checked every second.
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: { requestTimeout: requestTimeoutMs, headersTimeout: requestTimeoutMs, connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS },
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    genReqId: requestIdFor,
    requestIdHeader: false,
    loggerInstance: logger,
    logController: new RequestLogController(),
    // Closing is answered by our own hook below, as problem+json like every other error.
    return503OnClosing: false,
  });
}

export interface CreateAppOptions {
  logger: Logger;
  /** Nest's own log lines; false silences them (tests). */
  nestLogger: LoggerService | false;
  /** Build the module graph without instantiating providers (no database): for the OpenAPI script. */
  preview?: boolean;
}

/** The one way the application is built: main.ts, the e2e tests and the OpenAPI script all call this. */
export async function createApp(config: AppConfig, database: DatabaseConnection, options: CreateAppOptions): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, database), createHttpAdapter(config, options.logger), {
    logger: options.nestLogger,
    // fastify's own JSON parser only: Nest's would add form and text parsers (we answer 415 for those).
    bodyParser: false,
    preview: options.preview ?? false,
  });
  await setupApp(app, config, options.preview ?? false);
  return app;
}

/** Everything about the HTTP surface, shared by main.ts, the e2e tests and the OpenAPI script. */
async function setupApp(app: NestFastifyApplication, config: AppConfig, preview: boolean): Promise<void> {
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready'] });
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false, exposedHeaders: ['X-Request-Id', 'ETag', 'Location', 'Retry-After', 'Idempotent-Replayed'] });

  // The OpenAPI script builds the graph without instances (preview): no Redis to count in.
  await registerRateLimit(app, config, preview ? null : app.get(RedisConnection).client);
  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: without this fastify would also accept text/plain bodies.
  fastify.removeContentTypeParser('text/plain');
  // fastify's own JSON parser (prototype-poisoning checks included), except that an empty body
  // declared as JSON counts as no body: `PATCH …/complete` with `Content-Type: application/json`
  // and nothing else toggles, as it does with no Content-Type at all.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) done(null, undefined);
    else parseJson(request, body.toString(), done);
  });
  // From the moment the server stops accepting connections until the last request in flight is
  // done, a new request on a kept-alive connection is turned away so the drain can finish.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  // A kept-alive connection would otherwise hold the drain open until its keep-alive timeout.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('Connection', 'close');
    done(null, payload);
  });
  const headers = securityHeaders();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('X-Request-Id', request.id);
    if (closing) {
      reply.header('Connection', 'close');
      done(ApiProblem.serviceUnavailable('The server is shutting down; retry on another instance or shortly.', 1));
      return;
    }
    if (request.url.startsWith('/api')) reply.header('Cache-Control', 'no-store');
    done();
  });

  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs/openapi.json',
    yamlDocumentUrl: 'docs/openapi.yaml',
    // validatorUrl: null — no badge that sends the document's URL to validator.swagger.io.
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true, validatorUrl: null },
    customSiteTitle: 'tasknest API',
  });
}
