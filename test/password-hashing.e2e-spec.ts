import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { PasswordHasher } from '../src/users/password-hasher.service.js';
import { bearer, expectProblem, GOOD_PASSWORD, login, registerUser, uniqueEmail } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('password hashing: off the event loop, with a bounded queue', () => {
  describe('with one hashing thread and room for one waiting hash', () => {
    let t: TestApp;

    beforeAll(async () => {
      // Cost 10 (~0.1 s a hash) keeps the thread busy long enough for a burst to overflow the queue.
      t = await createTestApp({ env: { BCRYPT_COST: '10', PASSWORD_HASH_THREADS: '1', PASSWORD_HASH_QUEUE_MAX: '1' } });
    });

    afterAll(async () => {
      await t.close();
    });

    it('answers a login burst beyond the queue with 503 and Retry-After, and serves the rest', async () => {
      const user = await registerUser(t);

      const responses = await Promise.all(
        Array.from({ length: 8 }, () => t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password })),
      );

      const ok = responses.filter((response) => response.status === 200);
      const rejected = responses.filter((response) => response.status === 503);
      expect(ok.length + rejected.length).toBe(responses.length);
      expect(ok.length).toBeGreaterThanOrEqual(1);
      expect(rejected.length).toBeGreaterThanOrEqual(1);
      for (const response of rejected) {
        expectProblem(response, 503);
        expect(response.body.type).toMatch(/service-unavailable$/);
        expect(response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      }
      // Each successful login made exactly one session; the rejected ones made none (plus the registration's).
      const sessions = await t.sql('SELECT id FROM sessions WHERE user_id = $1', [user.id]);
      expect(sessions).toHaveLength(ok.length + 1);
    });

    it('logs in normally once the burst is over', async () => {
      const user = await registerUser(t);

      const tokens = await login(t, user);

      expect(tokens.accessToken).toEqual(expect.any(String));
    });

    it('still gives an unknown email the same generic 401 as a wrong password', async () => {
      const user = await registerUser(t);

      const unknown = await t.http().post('/api/v1/auth/login').send({ email: uniqueEmail(), password: GOOD_PASSWORD });
      const wrong = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: `${GOOD_PASSWORD}-not` });

      expectProblem(unknown, 401);
      expectProblem(wrong, 401);
      expect(unknown.body.detail).toBe(wrong.body.detail);
    });
  });

  describe('at a high bcrypt cost', () => {
    let t: TestApp;

    beforeAll(async () => {
      // Cost 13 is ~0.7 s of CPU per hash: on the main thread that would be one long event-loop stall.
      t = await createTestApp({ env: { BCRYPT_COST: '13' } });
    });

    afterAll(async () => {
      await t.close();
    });

    it('keeps the event loop responsive while a password is hashed', async () => {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const started = performance.now();
      const response = await t.http().post('/api/v1/auth/register').send({ email: uniqueEmail(), password: GOOD_PASSWORD });
      const elapsedMs = performance.now() - started;
      delay.disable();

      expect(response.status).toBe(201);
      expect(elapsedMs).toBeGreaterThan(300);
      // On the main thread the hash would be one stall of nearly the whole request; relative, so load cannot trip it.
      expect(delay.max / 1e6).toBeLessThan(elapsedMs / 2);
    });

    it('holds no database connection while a registration waits for its hash', async () => {
      // On PGlite the pool has one connection: a transaction open during the hash would block this read.
      const user = await registerUser(t);
      const order: string[] = [];
      // The registration's hash is held until the read is done: the signal, not a guess at how long a hash takes.
      const hasher = t.app.get(PasswordHasher);
      const realHash = hasher.hash.bind(hasher);
      let hashStarted: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (hashStarted = resolve));
      let releaseHash: () => void = () => undefined;
      const released = new Promise<void>((resolve) => (releaseHash = resolve));
      const spy = jest.spyOn(hasher, 'hash').mockImplementationOnce(async (password: string) => {
        hashStarted();
        await released;
        return realHash(password);
      });

      try {
        const registration = t
          .http()
          .post('/api/v1/auth/register')
          .send({ email: uniqueEmail(), password: GOOD_PASSWORD })
          .then((response) => void order.push(`register ${response.status}`));
        await started;
        const me = await t.http().get('/api/v1/users/me').set(bearer(user.accessToken));
        order.push(`me ${me.status}`);
        releaseHash();
        await registration;
      } finally {
        spy.mockRestore();
      }

      expect(order).toEqual(['me 200', 'register 201']);
    });
  });
});
