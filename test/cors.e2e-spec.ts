import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, registerUser, type RegisteredUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Parameter {
  name?: string;
  in?: string;
  $ref?: string;
}
interface Operation {
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  requestBody?: unknown;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  security?: Record<string, string[]>[];
  components?: { parameters?: Record<string, Parameter> };
}

const APP_ORIGIN = 'https://app.example.com';
const OTHER_APP_ORIGIN = 'http://localhost:5173';
const FOREIGN_ORIGIN = 'https://evil.example.com';
const HTTP_METHODS = new Set(['get', 'head', 'post', 'put', 'patch', 'delete']);
const EXPOSED = ['ETag', 'Location', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed', 'X-Total-Count', 'Link'];

const listOf = (header: string | undefined) => (header ?? '').split(',').map((item) => item.trim().toLowerCase()).filter((item) => item.length > 0);
const corsHeaders = (headers: Record<string, string>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'));

/** The request headers an operation documents: its header parameters, Authorization when it is secured, Content-Type when it takes a body. */
function documentedHeaders(document: OpenApiDocument, operation: Operation): string[] {
  const headers = (operation.parameters ?? [])
    .map((parameter) => (parameter.$ref ? document.components?.parameters?.[parameter.$ref.split('/').pop() ?? ''] : parameter))
    .filter((parameter): parameter is Parameter => parameter?.in === 'header' && typeof parameter.name === 'string')
    .map((parameter) => parameter.name as string);
  const security = operation.security ?? document.security ?? [];
  if (security.some((requirement) => Object.keys(requirement).length > 0)) headers.push('Authorization');
  if (operation.requestBody) headers.push('Content-Type');
  // Any client may send its own request id (CONTRACT.md, Conventions).
  headers.push('X-Request-Id');
  return headers;
}

describe('CORS for browsers on other origins', () => {
  let t: TestApp;
  let user: RegisteredUser;
  let document: OpenApiDocument;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: `${APP_ORIGIN},${OTHER_APP_ORIGIN}` } });
    user = await registerUser(t);
    document = (await t.http().get('/docs/openapi.json')).body as OpenApiDocument;
  });

  afterAll(async () => {
    await t.close();
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => HTTP_METHODS.has(method))
        .map(([method, operation]) => ({ path, method: method.toUpperCase(), operation, url: path.replace('{userId}', user.id).replace(/\{[^}]+\}/g, randomUUID()) })),
    );

  it('reads a non-trivial set of operations from the OpenAPI document', () => {
    const all = operations();
    expect(all.length).toBeGreaterThan(20);
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) expect(all.some((operation) => operation.method === method)).toBe(true);
  });

  it('allows the preflight of every documented operation, with the headers it documents, from an allowed origin', async () => {
    const failures: string[] = [];
    for (const { path, method, operation, url } of operations()) {
      const requested = documentedHeaders(document, operation);
      const response = await t.http().options(url).set('Origin', APP_ORIGIN).set('Access-Control-Request-Method', method).set('Access-Control-Request-Headers', requested.join(', ').toLowerCase());
      const allowedHeaders = listOf(response.headers['access-control-allow-headers']);
      const problems = [
        response.status === 204 ? '' : `status ${response.status}`,
        response.headers['access-control-allow-origin'] === APP_ORIGIN ? '' : `allow-origin ${response.headers['access-control-allow-origin']}`,
        listOf(response.headers['access-control-allow-methods']).includes(method.toLowerCase()) ? '' : `allow-methods ${response.headers['access-control-allow-methods']}`,
        ...requested.filter((header) => !allowedHeaders.includes(header.toLowerCase())).map((header) => `header ${header} not allowed`),
        response.headers['access-control-max-age'] === '600' ? '' : `max-age ${response.headers['access-control-max-age']}`,
        listOf(response.headers.vary).includes('origin') ? '' : `vary ${response.headers.vary}`,
        response.headers['access-control-allow-credentials'] === undefined ? '' : 'allows credentials',
      ].filter((problem) => problem !== '');
      if (problems.length > 0) failures.push(`${method} ${path}: ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
  });

  it('answers a PUT/PATCH/DELETE preflight with Authorization, Content-Type, If-Match with exactly the contract', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const response = await t
        .http()
        .options(`/api/v1/tasks/${randomUUID()}`)
        .set('Origin', OTHER_APP_ORIGIN)
        .set('Access-Control-Request-Method', method)
        .set('Access-Control-Request-Headers', 'authorization,content-type,if-match');
      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(response.headers['access-control-allow-origin']).toBe(OTHER_APP_ORIGIN);
      expect(listOf(response.headers['access-control-allow-methods'])).toEqual(['get', 'head', 'post', 'put', 'patch', 'delete']);
      expect(listOf(response.headers['access-control-allow-headers'])).toEqual(['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'x-request-id', 'last-event-id']);
      expect(response.headers['access-control-max-age']).toBe('600');
      expect(listOf(response.headers.vary)).toContain('origin');
      expect(response.headers['x-request-id']).toEqual(expect.any(String));
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('gives a foreign origin no Access-Control-* header on any documented operation, preflight or not', async () => {
    const leaks: string[] = [];
    for (const { path, method, operation, url } of operations()) {
      const preflight = await t
        .http()
        .options(url)
        .set('Origin', FOREIGN_ORIGIN)
        .set('Access-Control-Request-Method', method)
        .set('Access-Control-Request-Headers', documentedHeaders(document, operation).join(', ').toLowerCase());
      if (preflight.status === 204) leaks.push(`${method} ${path}: preflight answered 204`);
      if (corsHeaders(preflight.headers).length > 0) leaks.push(`${method} ${path}: preflight sent ${corsHeaders(preflight.headers).join(', ')}`);
      if (!listOf(preflight.headers.vary).includes('origin')) leaks.push(`${method} ${path}: no Vary: Origin`);
    }
    expect(leaks).toEqual([]);

    const actual = await t.http().get('/api/v1/users/me').set('Origin', FOREIGN_ORIGIN).set(bearer(user.accessToken));
    expect(actual.status).toBe(200);
    expect(corsHeaders(actual.headers)).toEqual([]);
    expect(listOf(actual.headers.vary)).toContain('origin');
  });

  it('answers a foreign preflight for PUT/PATCH/DELETE with Authorization, Content-Type, If-Match as a 404 problem', async () => {
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const response = await t
        .http()
        .options(`/api/v1/tasks/${randomUUID()}`)
        .set('Origin', FOREIGN_ORIGIN)
        .set('Access-Control-Request-Method', method)
        .set('Access-Control-Request-Headers', 'authorization,content-type,if-match');
      expectProblem(response, 404);
      expect(corsHeaders(response.headers)).toEqual([]);
    }
  });

  it('lets an allowed origin read the exposed headers of real responses, errors included', async () => {
    const created = await t.http().post('/api/v1/tasks').set('Origin', APP_ORIGIN).set(bearer(user.accessToken)).send({ title: 'cors' });
    expect(created.status).toBe(201);
    expect(created.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(created.headers['access-control-expose-headers'].split(',').map((header: string) => header.trim())).toEqual(EXPOSED);
    expect(listOf(created.headers.vary)).toContain('origin');
    expect(created.headers['access-control-allow-credentials']).toBeUndefined();

    const unauthorized = await t.http().get('/api/v1/tasks').set('Origin', APP_ORIGIN);
    expectProblem(unauthorized, 401);
    expect(unauthorized.headers['access-control-allow-origin']).toBe(APP_ORIGIN);
    expect(unauthorized.headers['access-control-expose-headers']).toContain('X-Request-Id');
  });

  it('sends Vary: Origin without an Origin, and no CORS header then', async () => {
    const response = await t.http().get('/health/live');
    expect(response.status).toBe(200);
    expect(listOf(response.headers.vary)).toContain('origin');
    expect(corsHeaders(response.headers)).toEqual([]);
  });
});
