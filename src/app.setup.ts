import { VersioningType } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { RequestLogController } from './common/logging/logger.js';
import { registerRateLimit } from './common/http/rate-limit.js';
import { StrictValidationPipe } from './common/http/strict-validation.pipe.js';
import { requestIdFor } from './common/http/request-id.js';
import { securityHeaders } from './common/http/security-headers.js';
import { buildOpenApiDocument } from './common/openapi/openapi-document.js';
import { ApiProblem } from './common/problem/api-problem.js';
import { ProblemDetailsFilter } from './common/problem/problem-details.filter.js';
import type { AppConfig } from './config/app-config.js';

export const BODY_LIMIT_BYTES = 100 * 1024;

export function createHttpAdapter(config: AppConfig, logger: Logger): FastifyAdapter {
  return new FastifyAdapter({
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

/** Everything about the HTTP surface, shared by main.ts, the e2e tests and the OpenAPI script. */
export async function setupApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready'] });
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false, exposedHeaders: ['X-Request-Id', 'ETag', 'Location', 'Retry-After', 'Idempotent-Replayed'] });

  const redis = await registerRateLimit(app, config);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onClose', async () => {
    redis?.disconnect();
  });
  // JSON only: without this fastify would also accept text/plain bodies.
  fastify.removeContentTypeParser('text/plain');
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
    swaggerOptions: { persistAuthorization: true, displayRequestDuration: true },
    customSiteTitle: 'tasknest API',
  });
}
