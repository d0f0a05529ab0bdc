import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ACCESS_TOKEN_SCHEME } from '../auth/authenticated.decorator.js';
import { ProblemDto } from '../problem/problem.dto.js';

const DESCRIPTION = `Multi-user task API. Register or log in to get an access token (short-lived, send it as
\`Authorization: Bearer …\`) and a refresh token (rotates on every POST /api/v1/auth/refresh).

* **401** always means "your token is not good": refresh, or log in again.
* **404** on a task means "not yours or does not exist" – the API never tells which.
* Every error is \`application/problem+json\` (RFC 9457) with a \`requestId\` that matches the \`X-Request-Id\` header.
* Rate limits answer 429 with \`Retry-After\`.`;

/** Sorts object keys recursively so the committed document diffs cleanly. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tasknest')
    .setDescription(DESCRIPTION)
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken from an AuthResponse.' }, ACCESS_TOKEN_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] });
  return sortKeys(document) as OpenAPIObject;
}
