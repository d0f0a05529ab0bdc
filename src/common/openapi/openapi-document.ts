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

const BEARER_DESCRIPTION =
  'The accessToken from an AuthResponse: a JWT issued and checked as RFC8725 recommends: one pinned algorithm (HS256), ' +
  'iss, aud, exp and a typ that tells access from refresh tokens, with different keys for the two. It is accepted only while its session lives.';

/** Every tag a controller may use (`@ApiTags`), with the description third parties see; the document lists the ones in use. */
const TAG_DESCRIPTIONS: Record<string, string> = {
  auth: 'Accounts and sessions: register, log in, refresh the token pair, log out, list and end sessions, reset a forgotten password, verify the email address.',
  users: 'The calling user: profile, password change, account deletion.',
  tasks: "The calling user's tasks: create, list with filters and pages, read, replace, update, complete, delete.",
  'seed-tasks': 'Deprecated: the task operations of the FastAPI app this API grew from, in its dialect (snake_case, the list as a bare array, partial PUT), under /api/{user_id}/tasks. {user_id} must be your own id. Use /api/v1/tasks.',
  'seed-auth': "Deprecated: register, log in and log out in the dialect of the FastAPI app this API grew from (`access_token`, `token_type: \"bearer\"`), under /api/auth. Use /api/v1/auth.",
  health: 'Liveness and readiness probes for orchestrators; no authentication, not rate limited.',
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Sorts object keys recursively so the committed document diffs cleanly. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/**
 * An operation without a security requirement is one the global guard lets through (@Public();
 * test/openapi.e2e-spec.ts checks the two agree). `security: []` says so explicitly, so that
 * linters and generated clients do not have to guess.
 */
function markPublicOperations(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation && operation.security === undefined) operation.security = [];
    }
  }
}

/** The tags the operations use, in the order of TAG_DESCRIPTIONS (Swagger UI shows them in this order). */
function usedTags(document: OpenAPIObject): string[] {
  const tags = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) for (const tag of item[method]?.tags ?? []) tags.add(tag);
  }
  const known = Object.keys(TAG_DESCRIPTIONS);
  const rank = (tag: string) => (known.includes(tag) ? known.indexOf(tag) : known.length);
  return [...tags].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('tasknest')
    .setDescription(DESCRIPTION)
    .setVersion('1.0.0')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: BEARER_DESCRIPTION }, ACCESS_TOKEN_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemDto] });
  markPublicOperations(document);
  // A tag missing from TAG_DESCRIPTIONS is still listed (without a description) and `npm run openapi:lint` warns about it.
  document.tags = usedTags(document).map((name) => (TAG_DESCRIPTIONS[name] ? { name, description: TAG_DESCRIPTIONS[name] } : { name }));
  return sortKeys(document) as OpenAPIObject;
}
