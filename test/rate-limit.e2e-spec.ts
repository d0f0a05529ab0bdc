import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { bearer, expectProblem, GOOD_PASSWORD, type RegisteredUser, registerUser, uniqueEmail } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { getMe, refresh, sessionIdOf, sessionRow } from './support/tokens.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

type Response = Awaited<ReturnType<typeof getMe>>;

function expectRateLimited(response: Response): void {
  expectProblem(response, 429);
  expect(response.body.type).toMatch(/rate-limited$/);
  expect(response.headers['retry-after']).toMatch(/^\d+$/);
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

const badLogin = (t: TestApp, headers: Record<string, string> = {}) =>
  t.http().post('/api/v1/auth/login').set(headers).send({ email: 'nobody@example.com', password: 'not-a-password-1' });

describe('rate limits', () => {
  // One database for the whole file; each scenario starts its own app instance(s) on it.
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  describe('on the socket address (TRUST_PROXY unset)', () => {
    let t: TestApp;
    let user: RegisteredUser;

    beforeAll(async () => {
      t = await createTestApp({ database, env: { RATE_LIMIT_AUTH_PER_MIN: '3', RATE_LIMIT_PER_MIN: '5' } });
      user = await registerUser(t);
    });

    afterAll(async () => {
      await t.close();
    });

    it('counts register, login and refresh separately, answers 429 with Retry-After, and a spoofed X-Forwarded-For does not reset it', async () => {
      for (let attempt = 1; attempt <= 3; attempt++) expectProblem(await badLogin(t), 401);

      expectRateLimited(await badLogin(t));
      expectRateLimited(await badLogin(t, { 'X-Forwarded-For': '203.0.113.9' }));
      expectRateLimited(await badLogin(t, { 'X-Forwarded-For': '203.0.113.10', 'X-Real-IP': '203.0.113.10', Forwarded: 'for=203.0.113.10' }));
      expectRateLimited(await t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }));

      // Register has its own counter: one used above, two left.
      const spoofed = await t.http().post('/api/v1/auth/register').set('X-Forwarded-For', '198.51.100.7').send({ email: uniqueEmail(), password: GOOD_PASSWORD });
      expect(spoofed.status).toBe(201);
      expect((await sessionRow(t, sessionIdOf(spoofed.body.accessToken)))?.ip).not.toBe('198.51.100.7');
      expect((await t.http().post('/api/v1/auth/register').send({ email: uniqueEmail(), password: GOOD_PASSWORD })).status).toBe(201);
      expectRateLimited(await t.http().post('/api/v1/auth/register').send({ email: uniqueEmail(), password: GOOD_PASSWORD }));

      // Refresh too: three rotations, then 429 even for a valid token.
      let refreshToken = user.refreshToken;
      for (let attempt = 1; attempt <= 3; attempt++) {
        const response = await refresh(t, refreshToken);
        expect(response.status).toBe(200);
        refreshToken = response.body.refreshToken;
      }
      expectRateLimited(await refresh(t, refreshToken));
    });

    it('limits everything else to RATE_LIMIT_PER_MIN per client before looking at the token, and leaves health checks alone', async () => {
      for (let attempt = 1; attempt <= 5; attempt++) expect((await getMe(t, user.accessToken)).status).toBe(200);

      expectRateLimited(await getMe(t, user.accessToken));
      expectRateLimited(await getMe(t, user.accessToken).set('X-Forwarded-For', '203.0.113.11'));
      expectRateLimited(await t.http().get('/api/v1/auth/sessions'));
      expect((await t.http().get('/health/live')).status).toBe(200);
    });
  });

  describe('on the routes that check the current password', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ database, env: { RATE_LIMIT_AUTH_PER_MIN: '2' } });
    });

    afterAll(async () => {
      await t.close();
    });

    it('limits password guesses through a stolen access token like logins', async () => {
      const user = await registerUser(t);
      const guess = () =>
        t.http().post('/api/v1/users/me/password').set(bearer(user.accessToken)).send({ currentPassword: 'guess-number-1', newPassword: 'a-new-long-password-9' });
      for (let attempt = 1; attempt <= 2; attempt++) expectProblem(await guess(), 403);
      expectRateLimited(await guess());
      // The deletion route has its own counter.
      expectProblem(await t.http().delete('/api/v1/users/me').set(bearer(user.accessToken)).send({ password: 'guess-number-2' }), 403);
    });
  });

  describe('behind a trusted proxy (TRUST_PROXY=true)', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await createTestApp({ database, env: { RATE_LIMIT_AUTH_PER_MIN: '2', TRUST_PROXY: 'true' } });
    });

    afterAll(async () => {
      await t.close();
    });

    it('counts per X-Forwarded-For client and records that address on the session, at login and at each refresh', async () => {
      for (let attempt = 1; attempt <= 2; attempt++) expectProblem(await badLogin(t, { 'X-Forwarded-For': '198.51.100.1' }), 401);
      expectRateLimited(await badLogin(t, { 'X-Forwarded-For': '198.51.100.1' }));
      expectProblem(await badLogin(t, { 'X-Forwarded-For': '198.51.100.2' }), 401);

      const response = await t.http().post('/api/v1/auth/register').set('X-Forwarded-For', '198.51.100.3').send({ email: uniqueEmail(), password: GOOD_PASSWORD });
      expect(response.status).toBe(201);
      expect((await sessionRow(t, sessionIdOf(response.body.accessToken)))?.ip).toBe('198.51.100.3');
      const moved = await t.http().post('/api/v1/auth/refresh').set('X-Forwarded-For', '198.51.100.4').send({ refreshToken: response.body.refreshToken });
      expect(moved.status).toBe(200);
      expect((await sessionRow(t, sessionIdOf(response.body.accessToken)))?.ip).toBe('198.51.100.4');
    });
  });

  describe('two instances sharing one database and one Redis', () => {
    const prefix = `tasknest-test:${randomBytes(6).toString('hex')}:`;
    const env = { REDIS_URL, RATE_LIMIT_REDIS_PREFIX: prefix, RATE_LIMIT_AUTH_PER_MIN: '4' };
    let first: TestApp;
    let second: TestApp;
    let redis: Redis;

    beforeAll(async () => {
      redis = new Redis(REDIS_URL);
      first = await createTestApp({ database, env });
      second = await createTestApp({ database, env });
    });

    afterAll(async () => {
      await second?.close();
      await first?.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    });

    it('share one count: two failed logins on each, and the fifth is refused by both', async () => {
      for (const instance of [first, second, first, second]) expectProblem(await badLogin(instance), 401);

      expectRateLimited(await badLogin(first));
      expectRateLimited(await badLogin(second));
      expect(await redis.keys(`${prefix}*`)).toEqual(expect.arrayContaining([expect.stringContaining('auth:/api/v1/auth/login:')]));
    });

    it('report Redis in the readiness probe', async () => {
      const ready = await first.http().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.info).toEqual(expect.objectContaining({ database: expect.objectContaining({ status: 'up' }), redis: { status: 'up' } }));
    });

    it('see each other\'s logout and logout-all on the very next request', async () => {
      const user = await registerUser(first);
      expect((await getMe(second, user.accessToken)).status).toBe(200);

      expect((await second.http().post('/api/v1/auth/logout').set(bearer(user.accessToken))).status).toBe(204);

      expectProblem(await getMe(first, user.accessToken), 401);
      expectProblem(await refresh(first, user.refreshToken), 401);

      const other = await registerUser(second);
      expect((await getMe(first, other.accessToken)).status).toBe(200);
      expect((await first.http().post('/api/v1/auth/logout-all').set(bearer(other.accessToken))).status).toBe(204);
      expectProblem(await getMe(second, other.accessToken), 401);
    });
  });

  describe('with Redis unreachable', () => {
    let t: TestApp;
    const warn = jest.spyOn(Logger.prototype, 'warn');

    beforeAll(async () => {
      t = await createTestApp({ database, env: { REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_AUTH_PER_MIN: '1', RATE_LIMIT_PER_MIN: '1' } });
    });

    afterAll(async () => {
      await t.close();
      warn.mockRestore();
    });

    it('keeps serving, promptly and without limits (fail open), and says so once in the log', async () => {
      const timed = async <T>(request: () => Promise<T>): Promise<T> => {
        const started = performance.now();
        const result = await request();
        // A request waiting on Redis would hang until the test timeout; seconds, not ms, on a loaded machine.
        expect(performance.now() - started).toBeLessThan(5000);
        return result;
      };

      const user = await timed(() => registerUser(t));
      for (let attempt = 1; attempt <= 3; attempt++) {
        expectProblem(await timed(() => badLogin(t)), 401);
        expect((await timed(() => getMe(t, user.accessToken))).status).toBe(200);
      }
      const ready = await timed(() => t.http().get('/health/ready'));
      expectProblem(ready, 503);
      expect((await t.http().get('/health/live')).status).toBe(200);
      const outageWarnings = warn.mock.calls.filter((call) => call.some((part) => typeof part === 'string' && part.startsWith('Redis is unreachable')));
      expect(outageWarnings).toHaveLength(1);
    });
  });
});
