import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, registerUser, type RegisteredUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('HTTP conventions', () => {
  let t: TestApp;
  let user: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });
    user = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  it('echoes a safe client X-Request-Id on the response and in problems', async () => {
    const response = await t.http().get('/api/v1/nope').set('X-Request-Id', 'client-id_1.2:3');
    expect(response.headers['x-request-id']).toBe('client-id_1.2:3');
    expect(response.body.requestId).toBe('client-id_1.2:3');
  });

  it.each([['has spaces'], ['x'.repeat(129)], ['<script>']])('replaces an unsafe X-Request-Id (%s) with a new one', async (unsafe) => {
    const response = await t.http().get('/health/live').set('X-Request-Id', unsafe);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers an unknown route with a 404 problem, with or without a token', async () => {
    const anonymous = await t.http().get('/api/v1/does-not-exist');
    const withToken = await t.http().get('/api/v1/does-not-exist').set(bearer(user.accessToken));
    expectProblem(anonymous, 404);
    expectProblem(withToken, 404);
    expect(anonymous.headers['www-authenticate']).toBeUndefined();
  });

  it('answers 401 with WWW-Authenticate: Bearer when the token is missing or garbage', async () => {
    const missing = await t.http().get('/api/v1/users/me');
    const garbage = await t.http().get('/api/v1/users/me').set('Authorization', 'Bearer not.a.jwt');
    expectProblem(missing, 401);
    expectProblem(garbage, 401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer realm="tasknest"$/);
    expect(garbage.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('rejects malformed JSON with a 400 problem', async () => {
    const response = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email": "a@b.c", ');
    expectProblem(response, 400);
    expect(response.body.type).toMatch(/malformed-json$/);
    expect(JSON.stringify(response.body)).not.toMatch(/Unexpected|position|SyntaxError/);
  });

  it('rejects prototype-poisoning JSON with a 400 problem', async () => {
    const response = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email":"a@b.c","password":"x","__proto__":{"admin":true}}');
    expectProblem(response, 400);
  });

  it('rejects a body over 100 kB with a 413 problem', async () => {
    const response = await t.http().patch('/api/v1/users/me').set(bearer(user.accessToken)).send({ name: 'x'.repeat(300 * 1024) });
    expectProblem(response, 413);
  });

  it('rejects a body that is not JSON with a 415 problem', async () => {
    const text = await t.http().post('/api/v1/auth/login').set('Content-Type', 'text/plain').send('email=a@b.c');
    const form = await t.http().post('/api/v1/auth/login').type('form').send({ email: 'a@b.c', password: 'x' });
    expectProblem(text, 415);
    expectProblem(form, 415);
  });

  it.each([
    ['an array', '[{"email":"a@b.c"}]'],
    ['a string', '"hello"'],
    ['a number', '42'],
  ])('rejects %s as the body with a 400 problem', async (_label, body) => {
    const response = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send(body);
    expectProblem(response, 400);
  });

  it('sets security headers and no X-Powered-By on every response', async () => {
    const response = await t.http().get('/health/live');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['strict-transport-security']).toMatch(/max-age=/);
    expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(response.headers['x-powered-by']).toBeUndefined();
  });

  it('marks everything under /api as Cache-Control: no-store, errors included', async () => {
    expect((await t.http().get('/api/v1/users/me').set(bearer(user.accessToken))).headers['cache-control']).toBe('no-store');
    expect((await t.http().get('/api/v1/users/me')).headers['cache-control']).toBe('no-store');
    expect((await t.http().get('/api/v1/missing')).headers['cache-control']).toBe('no-store');
  });

  it('allows CORS only for the configured origins', async () => {
    const allowed = await t.http().options('/api/v1/users/me').set('Origin', 'https://app.example.com').set('Access-Control-Request-Method', 'GET');
    const denied = await t.http().options('/api/v1/users/me').set('Origin', 'https://evil.example.com').set('Access-Control-Request-Method', 'GET');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('does not accept the access token from the query string', async () => {
    const response = await t.http().get(`/api/v1/users/me?access_token=${user.accessToken}`);
    expectProblem(response, 401);
  });

  it('answers the health probes outside /api/v1 without a token', async () => {
    const live = await t.http().get('/health/live');
    const ready = await t.http().get('/health/ready');
    expect(live.status).toBe(200);
    expect(ready.status).toBe(200);
    expect(ready.body.info.database.status).toBe('up');
  });

  it('serves the OpenAPI document and Swagger UI', async () => {
    const document = await t.http().get('/docs/openapi.json');
    expect(document.status).toBe(200);
    expect(document.body.openapi).toMatch(/^3\./);
    expect(document.body.paths['/api/v1/auth/login']).toBeDefined();
    const ui = await t.http().get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });
});
