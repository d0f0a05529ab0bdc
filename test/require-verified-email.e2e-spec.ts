import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, GOOD_PASSWORD, login, registerUser, uniqueEmail } from './support/factories.js';
import { SmtpSink, tokenFromMail } from './support/smtp-sink.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface Operation {
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

/** REQUIRE_VERIFIED_EMAIL=true: no token of any kind for an address nobody has confirmed. */
describe('REQUIRE_VERIFIED_EMAIL=true', () => {
  let sink: SmtpSink;
  let strict: TestApp;

  const register = (email: string) => strict.http().post('/api/v1/auth/register').send({ email, password: GOOD_PASSWORD });
  const resend = (body?: object) => {
    const request = strict.http().post('/api/v1/auth/email/verify/resend');
    return body ? request.send(body) : request;
  };
  const outboxCount = async (email: string) => (await strict.sql('SELECT id FROM mail_outbox WHERE recipient = $1', [email])).length;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    strict = await createTestApp({ env: { REQUIRE_VERIFIED_EMAIL: 'true', SMTP_URL: sink.url, MAIL_POLL_INTERVAL: '50ms', MAIL_PER_ADDRESS_PER_HOUR: '3' } });
  });

  afterAll(async () => {
    await strict.close();
    await sink.stop();
  });

  it('answers register with 201 { user, emailVerificationRequired: true }: no tokens, no session, a verification mail', async () => {
    const email = uniqueEmail('strict');
    const response = await register(email);

    expect(response.status).toBe(201);
    expect(response.body).toEqual({ user: expect.objectContaining({ email, emailVerified: false }), emailVerificationRequired: true });
    expect(await strict.sql('SELECT id FROM sessions WHERE user_id = $1', [response.body.user.id])).toEqual([]);
    expect(tokenFromMail(await sink.waitForMail(email), 'verify-email')).toMatch(/^[\w-]{43}$/);
  });

  it('answers login with 403 until the address is verified, then 200 with tokens', async () => {
    const email = uniqueEmail('strict');
    await register(email).expect(201);

    const refused = await strict.http().post('/api/v1/auth/login').send({ email, password: GOOD_PASSWORD });
    expectProblem(refused, 403);
    expect(refused.body.type).toMatch(/email-not-verified$/);

    const token = tokenFromMail(await sink.waitForMail(email), 'verify-email');
    await strict.http().post('/api/v1/auth/email/verify').send({ token }).expect(204);
    const session = await login(strict, { email, password: GOOD_PASSWORD });
    expect((await strict.http().get('/api/v1/users/me').set(bearer(session.accessToken))).status).toBe(200);
  });

  it('answers refresh of an unverified account with 403, also for a session opened before the setting was on', async () => {
    const lax = await createTestApp({ database: strict.database });
    try {
      const user = await registerUser(lax);
      const refused = await strict.http().post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken });
      expectProblem(refused, 403);
      expect(refused.body.type).toMatch(/email-not-verified$/);
      expect(refused.body).not.toHaveProperty('accessToken');
    } finally {
      await lax.close();
    }
  });

  describe('POST /auth/email/verify/resend without a token', () => {
    it('mails a new link to an unverified address given as { email }, with 202 and an empty body', async () => {
      const email = uniqueEmail('resend');
      await register(email).expect(201);
      await sink.waitForMail(email);

      const response = await resend({ email });

      expect(response.status).toBe(202);
      expect(response.text).toBe('');
      const token = tokenFromMail(await sink.waitForMail(email, 2), 'verify-email');
      await strict.http().post('/api/v1/auth/email/verify').send({ token }).expect(204);
      await login(strict, { email, password: GOOD_PASSWORD });
    });

    it('answers unknown, unverified and verified addresses alike (202, empty, the same floor), and mails only the unverified', async () => {
      const unverified = uniqueEmail('unverified');
      const verified = uniqueEmail('verified');
      const unknown = uniqueEmail('unknown');
      await register(unverified).expect(201);
      await register(verified).expect(201);
      const token = tokenFromMail(await sink.waitForMail(verified), 'verify-email');
      await strict.http().post('/api/v1/auth/email/verify').send({ token }).expect(204);
      await sink.waitForMail(unverified);

      const answers = [];
      for (const email of [unknown, unverified, verified]) {
        const started = performance.now();
        const response = await resend({ email });
        answers.push({ status: response.status, text: response.text, length: response.headers['content-length'], ms: performance.now() - started });
      }

      expect(answers.map(({ status, text, length }) => ({ status, text, length }))).toEqual([0, 1, 2].map(() => ({ status: 202, text: '', length: '0' })));
      // Each answer waits for the same floor, which hides the writes an unverified address costs.
      for (const { ms } of answers) expect(ms).toBeGreaterThanOrEqual(49);
      await sink.waitForMail(unverified, 2);
      expect([await outboxCount(unknown), await outboxCount(unverified), await outboxCount(verified)]).toEqual([0, 2, 1]);
    });

    it('keeps to MAIL_PER_ADDRESS_PER_HOUR and still answers 202', async () => {
      const email = uniqueEmail('capped');
      await register(email).expect(201);
      const statuses = [];
      for (let attempt = 0; attempt < 4; attempt += 1) statuses.push((await resend({ email })).status);

      expect(statuses).toEqual([202, 202, 202, 202]);
      expect(await outboxCount(email)).toBe(3);
    });

    it('answers 400 with neither a token nor an email, and with both', async () => {
      const none = await resend();
      expectProblem(none, 400);
      expect(none.body.errors).toEqual([{ field: 'email', message: expect.stringMatching(/required/) }]);

      const email = uniqueEmail('both');
      const lax = await createTestApp({ database: strict.database });
      try {
        const user = await registerUser(lax, { email });
        const both = await resend({ email }).set(bearer(user.accessToken));
        expectProblem(both, 400);
        expect(both.body.errors).toEqual([{ field: 'email', message: expect.any(String) }]);
      } finally {
        await lax.close();
      }
    });

    it('answers 401 for a token that is sent but not valid', async () => {
      const response = await resend().set(bearer('not-a-token'));
      expectProblem(response, 401);
    });
  });

  it('documents register as one of AuthResponse and the verification answer, and resend with or without a token', async () => {
    const document = (await strict.http().get('/docs/openapi.json')).body as { paths: Record<string, Record<string, Operation>> };
    const registerResponse = document.paths['/api/v1/auth/register'].post.responses['201'].content?.['application/json'].schema;
    expect(registerResponse).toEqual({ oneOf: [{ $ref: expect.stringMatching(/AuthResponse/) }, { $ref: expect.stringMatching(/VerificationRequired/) }] });
    const resendOperation = document.paths['/api/v1/auth/email/verify/resend'].post;
    expect(resendOperation.security).toEqual(expect.arrayContaining([{ accessToken: [] }, {}]));
    expect(Object.keys(document.paths['/api/v1/auth/refresh'].post.responses)).toContain('403');
  });
});
