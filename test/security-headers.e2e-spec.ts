import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, registerUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('security headers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const expectHelmetDefaults = (headers: Record<string, string>) => {
    expect(headers['content-security-policy']).toContain("default-src 'self'");
    expect(headers['content-security-policy']).toContain("img-src 'self' data:;");
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(headers['x-powered-by']).toBeUndefined();
  };

  it('sends helmet defaults on successful API responses', async () => {
    const user = await registerUser(t);

    const response = await t.http().get('/api/v1/users/me').set(bearer(user.accessToken));

    expect(response.status).toBe(200);
    expectHelmetDefaults(response.headers);
  });

  it('sends them on errors, unknown routes and health checks too', async () => {
    const unauthorized = await t.http().get('/api/v1/users/me');
    const unknown = await t.http().get('/api/v1/nothing-here');
    const health = await t.http().get('/health/live');

    for (const response of [unauthorized, unknown, health]) expectHelmetDefaults(response.headers);
    expect([unauthorized.status, unknown.status, health.status]).toEqual([401, 404, 200]);
  });
});
