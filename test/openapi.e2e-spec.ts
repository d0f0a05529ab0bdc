import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, login, registerUser, type RegisteredUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Operation {
  operationId?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, unknown>;
}

type Paths = Record<string, Record<string, Operation>>;

const ACCESS_TOKEN_MISSING = 'A valid access token is required.';

describe('the OpenAPI document', () => {
  let t: TestApp;
  let user: RegisteredUser;
  let paths: Paths;

  beforeAll(async () => {
    t = await createTestApp();
    user = await registerUser(t);
    paths = (await t.http().get('/docs/openapi.json')).body.paths as Paths;
  });

  afterAll(async () => {
    await t.close();
  });

  const operations = () =>
    Object.entries(paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ path, method, operation })));

  const concrete = (path: string) => path.replace(/\{user_?[iI]d\}/, user.id).replace(/\{[^}]+\}/g, randomUUID());

  it('is the committed openapi/openapi.json (regenerate with npm run openapi)', async () => {
    const served = (await t.http().get('/docs/openapi.json')).body;
    const committed = JSON.parse(readFileSync('openapi/openapi.json', 'utf8'));
    expect(served).toEqual(committed);
  });

  it('gives every operation a unique operationId and a success response', () => {
    const ids = operations().map(({ operation }) => operation.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z]*_[a-z][A-Za-z]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { operation } of operations()) {
      expect(Object.keys(operation.responses).some((status) => /^2\d\d$/.test(status))).toBe(true);
    }
  });

  it('documents problem+json for every error response', () => {
    for (const { operation } of operations()) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400) expect(Object.keys((response as { content?: object }).content ?? {})).toEqual(['application/problem+json']);
      }
    }
  });

  it('says for every operation whether it needs a token: the bearer scheme, or explicitly none', () => {
    for (const { operation } of operations()) {
      const security = JSON.stringify(operation.security);
      // Either `[]` (public), `[{"accessToken":[]}]`, or both alternatives (a token is optional).
      expect({ operation: operation.operationId, security }).toEqual({
        operation: operation.operationId,
        security: expect.stringMatching(/^\[((\{"accessToken":\[\]\})(,\{\})?)?\]$/),
      });
    }
  });

  it('serves Swagger UI under a CSP that works over plain http and without the third-party validator badge', async () => {
    const page = await t.http().get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).not.toMatch(/upgrade-insecure-requests/);
    const init = await t.http().get('/docs/swagger-ui-init.js');
    expect(init.text).toMatch(/"persistAuthorization": true/);
    expect(init.text).toMatch(/"validatorUrl": null/);
  });

  describe('says what the server enforces', () => {
    interface Schema {
      $ref?: string;
      additionalProperties?: boolean;
      properties?: Record<string, { pattern?: string; description?: string }>;
    }
    interface Body {
      required?: boolean;
      content: Record<string, { schema: Schema }>;
    }
    interface Response {
      headers?: Record<string, { $ref?: string; required?: boolean }>;
    }
    let document: { components: { schemas: Record<string, Schema>; headers: Record<string, { required?: boolean }> } };

    beforeAll(async () => {
      document = (await t.http().get('/docs/openapi.json')).body;
    });

    const bodyOf = (operation: Operation) => (operation as Operation & { requestBody?: Body }).requestBody;
    const schemaOf = (body: Body) => document.components.schemas[String(body.content['application/json'].schema.$ref).split('/').pop() ?? ''];
    const responses = () => operations().flatMap(({ path, operation }) => Object.entries(operation.responses).map(([status, response]) => ({ path, status, response: response as Response })));

    it('declares additionalProperties: false on every request body schema, as every body rejects unknown properties', () => {
      const bodies = operations().flatMap(({ operation }) => bodyOf(operation) ?? []);
      expect(bodies.length).toBeGreaterThan(10);
      for (const body of bodies) expect(schemaOf(body).additionalProperties).toBe(false);
    });

    it('documents X-Request-Id on every response, WWW-Authenticate on every 401 and Retry-After on every 429 and API 503', () => {
      for (const { path, status, response } of responses()) {
        expect({ path, status, header: response.headers?.['X-Request-Id'] }).toEqual({ path, status, header: { $ref: '#/components/headers/X-Request-Id' } });
        if (status === '401') expect(response.headers?.['WWW-Authenticate']).toEqual({ $ref: '#/components/headers/WWW-Authenticate' });
        if (status === '429' || (status === '503' && path.startsWith('/api'))) expect(response.headers?.['Retry-After']).toEqual({ $ref: '#/components/headers/Retry-After' });
      }
      for (const name of ['X-Request-Id', 'WWW-Authenticate', 'Retry-After']) expect(document.components.headers[name].required).toBe(true);
    });

    it('documents ETag and Location as required where they are always sent', () => {
      const withEtag = responses().filter(({ response }) => response.headers?.ETag);
      expect(withEtag.length).toBeGreaterThan(10);
      for (const { response } of withEtag) expect(response.headers?.ETag.required).toBe(true);
      const created = responses().filter(({ path, status }) => status === '201' && path.endsWith('/tasks'));
      expect(created).toHaveLength(2);
      for (const { response } of created) expect(response.headers?.Location.required).toBe(true);
    });

    it('documents the body of …/complete as optional', () => {
      expect(bodyOf(paths['/api/v1/tasks/{id}/complete'].patch)?.required).toBe(false);
      expect(bodyOf(paths['/api/{user_id}/tasks/{task_id}/complete'].patch)?.required).toBe(false);
    });

    it("documents register's email rule: a dot in the domain", () => {
      const email = schemaOf(bodyOf(paths['/api/v1/auth/register'].post) as Body).properties?.email;
      expect(email?.description).toMatch(/dot in the domain/);
      const pattern = new RegExp(String(email?.pattern));
      expect(pattern.test('ada@example.com')).toBe(true);
      expect(pattern.test('ada@localhost')).toBe(false);
    });
  });

  it('marks exactly the operations the guard protects as needing a bearer token', async () => {
    for (const { path, method, operation } of operations()) {
      const url = concrete(path);
      const anonymous = await t.http()[method as 'get'](url);
      // Protected: every alternative needs the token (an empty alternative makes it optional).
      const requirements = operation.security ?? [];
      const documentedAsProtected = requirements.length > 0 && requirements.every((requirement) => 'accessToken' in requirement);
      if (documentedAsProtected) {
        expect({ operation: operation.operationId, status: anonymous.status }).toEqual({ operation: operation.operationId, status: 401 });
        expect(operation.responses['401']).toBeDefined();
        // A fresh session each time: some operations (logout) end the one they are called with.
        const { accessToken } = await login(t, user);
        // An event stream never ends: a resume position that is not the caller's gets its 400 instead, past the guard.
        const streaming = JSON.stringify(operation.responses['200'] ?? {}).includes('text/event-stream');
        const authenticated = await t.http()[method as 'get'](url).set(bearer(accessToken)).set(streaming ? { 'Last-Event-ID': 'not-a-token' } : {});
        expect({ operation: operation.operationId, unauthorized: authenticated.status === 401 }).toEqual({ operation: operation.operationId, unauthorized: false });
      } else {
        expect({ operation: operation.operationId, detail: anonymous.body.detail }).not.toEqual({ operation: operation.operationId, detail: ACCESS_TOKEN_MISSING });
      }
    }
  });
});
