import helmet from '@fastify/helmet';
import { type LoggerService, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { RequestLogController } from './common/logging/logger.js';
import { registerRateLimit } from './common/http/rate-limit.js';
import { StrictValidationPipe } from './common/http/strict-validation.pipe.js';
import { requestIdFor } from './common/http/request-id.js';
import { buildOpenApiDocument } from './common/openapi/openapi-document.js';
import { ProblemDetailsFilter } from './common/problem/problem-details.filter.js';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import type { DatabaseConnection } from './database/data-source-options.js';

export const BODY_LIMIT_BYTES = 100 * 1024;

function createHttpAdapter(config: AppConfig, logger: Logger): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    genReqId: requestIdFor,
    requestIdHeader: false,
    loggerInstance: logger,
    logController: new RequestLogController(),
    return503OnClosing: true,
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
  await setupApp(app, config);
  return app;
}

/** Everything about the HTTP surface, shared by main.ts, the e2e tests and the OpenAPI script. */
async function setupApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  app.setGlobalPrefix('api', { exclude: ['health/live', 'health/ready'] });
  app.enableVersioning({ type: VersioningType.URI });
  app.useGlobalPipes(new StrictValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableCors({ origin: config.corsOrigins.length > 0 ? config.corsOrigins : false, exposedHeaders: ['X-Request-Id', 'ETag', 'Location', 'Retry-After', 'Idempotent-Replayed'] });
  await app.register(helmet, {
    // Swagger UI loads its own scripts and styles from /docs; everything else is JSON.
    // No upgrade-insecure-requests: over plain http on anything but localhost (a LAN address, a
    // container's port) it sends the browser to https for /docs' own files and Swagger UI stays blank.
    contentSecurityPolicy: { directives: { 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': null } },
  });

  const redis = await registerRateLimit(app, config);
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onClose', async () => {
    redis?.disconnect();
  });
  // JSON only: without this fastify would also accept text/plain bodies.
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
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
