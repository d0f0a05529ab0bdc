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

/**
 * Every body rejects unknown properties with 400 (StrictValidationPipe): the schemas say so, so that
 * fuzzers and generated clients do not believe extra fields are fine.
 */
function closeRequestBodySchemas(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  for (const item of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const body = item[method]?.requestBody;
      const schema = body && 'content' in body ? body.content['application/json']?.schema : undefined;
      const name = schema && '$ref' in schema ? schema.$ref.split('/').pop() : undefined;
      const target = name === undefined ? undefined : schemas[name];
      if (target && !('$ref' in target)) target.additionalProperties = false;
    }
  }
}

/** Headers the server sends on every response of a kind, whatever the operation; documented once and referenced from each response. */
type HeadersObject = NonNullable<NonNullable<OpenAPIObject['components']>['headers']>;

const COMMON_HEADERS: HeadersObject = {
  'X-Request-Id': {
    required: true,
    description: 'Your own X-Request-Id if it matches `^[A-Za-z0-9._:-]{1,128}$`, otherwise a new one; problems repeat it as `requestId`.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
  },
  'WWW-Authenticate': {
    required: true,
    description: 'The Bearer challenge (RFC 6750): `Bearer realm="tasknest"`, with `error="invalid_token"` when a token was sent.',
    schema: { type: 'string' },
  },
  'Retry-After': { required: true, description: 'Seconds to wait before trying again.', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 86400 } },
};

function addCommonHeaders(document: OpenAPIObject): void {
  document.components = { ...document.components, headers: { ...document.components?.headers, ...COMMON_HEADERS } };
  const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      for (const [status, response] of Object.entries(item[method]?.responses ?? {})) {
        if (response === undefined || '$ref' in response) continue;
        const headers: HeadersObject = { ...response.headers, 'X-Request-Id': ref('X-Request-Id') };
        if (status === '401') headers['WWW-Authenticate'] = ref('WWW-Authenticate');
        // The health probes' 503 comes from the health check itself, without Retry-After.
        if (status === '429' || (status === '503' && path.startsWith('/api'))) headers['Retry-After'] = ref('Retry-After');
        response.headers = headers;
      }
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
  closeRequestBodySchemas(document);
  addCommonHeaders(document);
  // A tag missing from TAG_DESCRIPTIONS is still listed (without a description) and `npm run openapi:lint` warns about it.
  document.tags = usedTags(document).map((name) => (TAG_DESCRIPTIONS[name] ? { name, description: TAG_DESCRIPTIONS[name] } : { name }));
  return sortKeys(document) as OpenAPIObject;
}
