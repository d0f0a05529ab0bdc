import { type LoggerService, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { RequestLogController } from './common/logging/logger.js';
import { corsOptions } from './common/http/cors.js';
import { registerRateLimit } from './common/http/rate-limit.js';
import { RedisConnection } from './common/redis/redis-connection.js';
import { StrictValidationPipe } from './common/http/strict-validation.pipe.js';
import { requestIdFor } from './common/http/request-id.js';
import { clientErrorHandler } from './common/http/client-error.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './common/http/json-depth.js';
import { securityHeaders } from './common/http/security-headers.js';
import { buildOpenApiDocument } from './common/openapi/openapi-document.js';
import { ApiProblem } from './common/problem/api-problem.js';
import { ProblemDetailsFilter } from './common/problem/problem-details.filter.js';
import { AppModule } from './app.module.js';
import { MetricsService } from './metrics/metrics.service.js';
import { SecurityEventsService } from './security-events/security-events.service.js';
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
    // What Node's parser refuses before any route (431, 400) is problem+json too.
    clientErrorHandler: clientErrorHandler(securityHeaders()),
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
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready', '.well-known/jwks.json'] });
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableCors(corsOptions(config.corsOrigins));

  // The OpenAPI script builds the graph without instances (preview): no Redis to count in.
  const events = preview ? null : app.get(SecurityEventsService);
  await registerRateLimit(app, config, preview ? null : app.get(RedisConnection).client, (request, key, scope) => events?.rateLimitExceeded(request, key, scope));
  const fastify = app.getHttpAdapter().getInstance();
  // Who sent each request, for security events; the request-duration histogram when METRICS_PORT is set.
  events?.attach(fastify);
  if (!preview) app.get(MetricsService).attach(fastify);
  // JSON only: without this fastify would also accept text/plain bodies.
  fastify.removeContentTypeParser('text/plain');
  // fastify's own JSON parser (prototype-poisoning checks included), except that an empty body
  // declared as JSON counts as no body: `PATCH …/complete` with `Content-Type: application/json`
  // and nothing else toggles, as it does with no Content-Type at all.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body.length === 0) done(null, undefined);
    else if (exceedsJsonDepth(body.toString())) done(ApiProblem.badRequest('json-too-deep', `The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels.`));
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
  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (closing) reply.header('Connection', 'close');
    // A CORS preflight is answered inside @fastify/cors's hook, before the onRequest hook below runs.
    if (!reply.hasHeader('X-Request-Id')) reply.headers(headers).header('X-Request-Id', request.id);
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
    // Decided on the route that matched, not on the raw URL (`/%61pi/…` routes to `/api/…` too); unmatched URLs get it as well.
    const route = request.routeOptions.url;
    if (route === undefined || route.startsWith('/api')) reply.header('Cache-Control', 'no-store');
    // fastify answers a QUERY without Content-Type with 400 before looking for a handler (RFC 10008); with no route that is our 404.
    if (route === undefined && request.method === 'QUERY') {
      done(ApiProblem.notFound(`Cannot QUERY ${request.url.split('?')[0]}`));
      return;
    }
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
