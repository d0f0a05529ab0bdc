import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from './support/eventually.js';
import { bearer, expectProblem, GOOD_PASSWORD, login, registerUser, uniqueEmail } from './support/factories.js';
import { SmtpSink, tokenFromMail } from './support/smtp-sink.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const NEW_PASSWORD = 'velvet-harbour-compass-17';
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('account recovery and verified email, over real SMTP', () => {
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_POLL_INTERVAL: '100ms', MAIL_PER_ADDRESS_PER_HOUR: '50' } });
  });

  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  /** Asks for a reset link as a client would and returns the token from the n-th mail to that address. */
  async function requestResetToken(email: string, mailNumber: number): Promise<string> {
    const response = await t.http().post('/api/v1/auth/password/forgot').send({ email });
    expect(response.status).toBe(202);
    return tokenFromMail(await sink.waitForMail(email, mailNumber), 'reset-password');
  }

  describe('verification mail at registration', () => {
    it('sends a mail with a text and an HTML part linking to APP_URL/verify-email, with the expiry and a not-you line', async () => {
      const user = await registerUser(t);
      const mail = await sink.waitForMail(user.email);

      expect(mail.to).toEqual([user.email]);
      expect(mail.from).toContain('no-reply@tasknest.local');
      const [{ id }] = await t.sql<{ id: string }>('SELECT id FROM mail_outbox WHERE recipient = $1', [user.email]);
      expect(mail.messageId).toBe(`<${id}@tasknest.local>`);
      expect(mail.subject).toBe('Confirm your email address for tasknest');
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
      const token = tokenFromMail(mail, 'verify-email');
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(mail.text).toMatch(/expires in 2 days \(at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
      expect(mail.text).toMatch(/If you did not create a tasknest account, ignore this email/);
      expect(mail.html).toMatch(/<html[\s\S]*expires in 2 days[\s\S]*If you did not create a tasknest account/);
    });

    it('stores only the SHA-256 of the token, and clears the mail bodies once sent', async () => {
      const user = await registerUser(t);
      const token = tokenFromMail(await sink.waitForMail(user.email), 'verify-email');

      const tokens = await t.sql<{ token_hash: string; purpose: string }>('SELECT token_hash, purpose FROM user_tokens WHERE user_id = $1', [user.id]);
      expect(tokens).toEqual([{ token_hash: sha256(token), purpose: 'email_verify' }]);
      // SMTP accepts the mail a moment before the sender records it.
      const outbox = await eventually(async () => {
        const rows = await t.sql<{ text_body: string | null; html_body: string | null; sent_at: Date | null; attempts: number }>(
          'SELECT text_body, html_body, sent_at, attempts FROM mail_outbox WHERE recipient = $1',
          [user.email],
        );
        return rows.every((row) => row.sent_at !== null) ? rows : null;
      });
      expect(outbox).toEqual([{ text_body: null, html_body: null, sent_at: expect.any(Date), attempts: 1 }]);
    });

    it('queues no mail when registration fails', async () => {
      const user = await registerUser(t);
      await sink.waitForMail(user.email);
      const again = await t.http().post('/api/v1/auth/register').send({ email: user.email, password: GOOD_PASSWORD });

      expectProblem(again, 409);
      expect(await t.sql('SELECT id FROM mail_outbox WHERE recipient = $1', [user.email])).toHaveLength(1);
    });
  });

  describe('POST /auth/email/verify', () => {
    it('verifies the address with the mailed token, once', async () => {
      const user = await registerUser(t);
      const token = tokenFromMail(await sink.waitForMail(user.email), 'verify-email');

      const first = await t.http().post('/api/v1/auth/email/verify').send({ token });
      expect(first.status).toBe(204);
      expect(first.text).toBe('');
      const me = await t.http().get('/api/v1/users/me').set(bearer(user.accessToken));
      expect(me.body.emailVerified).toBe(true);

      const second = await t.http().post('/api/v1/auth/email/verify').send({ token });
      expectProblem(second, 400);
      expect(second.body.type).toMatch(/invalid-token$/);
    });

    it('does not accept a password reset token as a verification token', async () => {
      const user = await registerUser(t);
      await sink.waitForMail(user.email);
      const resetToken = await requestResetToken(user.email, 2);

      const response = await t.http().post('/api/v1/auth/email/verify').send({ token: resetToken });
      expectProblem(response, 400);
      expect(response.body.type).toMatch(/invalid-token$/);
    });

    it.each([
      ['an unknown token', { token: 'A'.repeat(43) }, 'invalid-token'],
      ['an empty token', { token: '' }, 'validation-failed'],
      ['a missing token', {}, 'validation-failed'],
      ['a non-string token', { token: 42 }, 'validation-failed'],
      ['an unknown property', { token: 'A'.repeat(43), userId: '00000000-0000-4000-8000-000000000000' }, 'validation-failed'],
    ])('answers 400 for %s', async (_label, body, type) => {
      const response = await t.http().post('/api/v1/auth/email/verify').send(body);
      expectProblem(response, 400);
      expect(response.body.type).toMatch(new RegExp(`${type}$`));
    });
  });

  describe('POST /auth/email/verify/resend', () => {
    it('answers 202 with an empty body and mails a new link; the first link keeps working', async () => {
      const user = await registerUser(t);
      const first = tokenFromMail(await sink.waitForMail(user.email), 'verify-email');

      const response = await t.http().post('/api/v1/auth/email/verify/resend').set(bearer(user.accessToken));
      expect(response.status).toBe(202);
      expect(response.text).toBe('');
      const second = tokenFromMail(await sink.waitForMail(user.email, 2), 'verify-email');
      expect(second).not.toBe(first);

      expect((await t.http().post('/api/v1/auth/email/verify').send({ token: first })).status).toBe(204);
      expectProblem(await t.http().post('/api/v1/auth/email/verify').send({ token: second }), 400);
    });

    it('sends nothing when the address is already verified', async () => {
      const user = await registerUser(t);
      const token = tokenFromMail(await sink.waitForMail(user.email), 'verify-email');
      await t.http().post('/api/v1/auth/email/verify').send({ token }).expect(204);

      const response = await t.http().post('/api/v1/auth/email/verify/resend').set(bearer(user.accessToken));
      expect(response.status).toBe(202);
      expect(await t.sql('SELECT id FROM mail_outbox WHERE recipient = $1', [user.email])).toHaveLength(1);
    });

    it('answers 401 for an access token that is not valid', async () => {
      const response = await t.http().post('/api/v1/auth/email/verify/resend').set(bearer('not-a-token'));
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });
  });

  describe('POST /auth/password/forgot and /auth/password/reset', () => {
    it('mails a reset link; the reset sets the password and ends every session', async () => {
      const user = await registerUser(t);
      const other = await login(t, user, 'second-device');
      const token = await requestResetToken(user.email, 2);
      const mail = sink.mailsTo(user.email)[1];
      expect(mail.subject).toBe('Reset your tasknest password');
      expect(mail.text).toMatch(/expires in 30 minutes \(at \d{4}-\d\d-\d\d \d\d:\d\d UTC\)/);
      expect(mail.text).toMatch(/If you did not ask for this, ignore this email/);

      const response = await t.http().post('/api/v1/auth/password/reset').send({ token, newPassword: NEW_PASSWORD });
      expect(response.status).toBe(204);
      expect(response.text).toBe('');

      for (const accessToken of [user.accessToken, other.accessToken]) {
        expectProblem(await t.http().get('/api/v1/users/me').set(bearer(accessToken)), 401);
      }
      for (const refreshToken of [user.refreshToken, other.refreshToken]) {
        expectProblem(await t.http().post('/api/v1/auth/refresh').send({ refreshToken }), 401);
      }
      const sessions = await t.sql<{ revoked_reason: string }>('SELECT revoked_reason FROM sessions WHERE user_id = $1', [user.id]);
      expect(sessions.map((row) => row.revoked_reason)).toEqual(['password_reset', 'password_reset']);
      expectProblem(await t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password }), 401);
      const fresh = await login(t, { email: user.email, password: NEW_PASSWORD });
      const me = await t.http().get('/api/v1/users/me').set(bearer(fresh.accessToken));
      expect(me.body.emailVerified).toBe(true);
    });

    it('accepts a reset token only once', async () => {
      const user = await registerUser(t);
      const token = await requestResetToken(user.email, 2);

      await t.http().post('/api/v1/auth/password/reset').send({ token, newPassword: NEW_PASSWORD }).expect(204);
      const again = await t.http().post('/api/v1/auth/password/reset').send({ token, newPassword: 'another-fine-passphrase-9' });
      expectProblem(again, 400);
      expect(again.body.type).toMatch(/invalid-token$/);
      await login(t, { email: user.email, password: NEW_PASSWORD });
    });

    it('lets exactly one of two concurrent resets with the same token through', async () => {
      const user = await registerUser(t);
      const token = await requestResetToken(user.email, 2);

      const statuses = await Promise.all(
        ['first-racing-passphrase-1', 'second-racing-passphrase-2'].map(async (newPassword) => (await t.http().post('/api/v1/auth/password/reset').send({ token, newPassword })).status),
      );
      expect(statuses.sort()).toEqual([204, 400]);
    });

    it('voids older reset links when a newer one is sent', async () => {
      const user = await registerUser(t);
      const older = await requestResetToken(user.email, 2);
      const newer = await requestResetToken(user.email, 3);

      const stale = await t.http().post('/api/v1/auth/password/reset').send({ token: older, newPassword: NEW_PASSWORD });
      expectProblem(stale, 400);
      expect(stale.body.type).toMatch(/invalid-token$/);
      await t.http().post('/api/v1/auth/password/reset').send({ token: newer, newPassword: NEW_PASSWORD }).expect(204);
    });

    it('voids an outstanding reset link when the password is changed', async () => {
      const user = await registerUser(t);
      const token = await requestResetToken(user.email, 2);
      await t.http().post('/api/v1/users/me/password').set(bearer(user.accessToken)).send({ currentPassword: user.password, newPassword: NEW_PASSWORD }).expect(204);

      const stale = await t.http().post('/api/v1/auth/password/reset').send({ token, newPassword: 'attacker-chosen-passphrase-3' });
      expectProblem(stale, 400);
      expect(stale.body.type).toMatch(/invalid-token$/);
      const tokens = await t.sql<{ used: boolean }>(`SELECT used_at IS NOT NULL AS used FROM user_tokens WHERE user_id = $1 AND purpose = 'password_reset'`, [user.id]);
      expect(tokens).toEqual([{ used: true }]);
      await login(t, { email: user.email, password: NEW_PASSWORD });
    });

    it('rejects a weak new password with 400 and leaves the token usable', async () => {
      const user = await registerUser(t);
      const token = await requestResetToken(user.email, 2);

      for (const newPassword of ['short1', 'password123', 'Zq9!mK2x'.repeat(16) + 'y']) {
        const response = await t.http().post('/api/v1/auth/password/reset').send({ token, newPassword });
        expectProblem(response, 400);
        expect(response.body.errors).toEqual([expect.objectContaining({ field: 'newPassword' })]);
      }
      await t.http().post('/api/v1/auth/password/reset').send({ token, newPassword: NEW_PASSWORD }).expect(204);
    });

    it('does not accept a verification token as a reset token', async () => {
      const user = await registerUser(t);
      const verifyToken = tokenFromMail(await sink.waitForMail(user.email), 'verify-email');

      expectProblem(await t.http().post('/api/v1/auth/password/reset').send({ token: verifyToken, newPassword: NEW_PASSWORD }), 400);
      await login(t, user);
    });

    it.each([
      ['an invalid email', { email: 'not-an-email' }],
      ['a missing email', {}],
      ['an email over 254 characters', { email: `${'a'.repeat(250)}@example.com` }],
      ['an unknown property', { email: 'a@example.com', admin: true }],
    ])('answers 400 to forgot with %s', async (_label, body) => {
      expectProblem(await t.http().post('/api/v1/auth/password/forgot').send(body), 400);
    });

    it('answers an unknown address exactly like a known one, and mails nothing', async () => {
      const user = await registerUser(t);
      await sink.waitForMail(user.email);
      const ghost = uniqueEmail('ghost');

      const known = await t.http().post('/api/v1/auth/password/forgot').send({ email: user.email });
      const unknown = await t.http().post('/api/v1/auth/password/forgot').send({ email: ghost });

      expect([known.status, unknown.status]).toEqual([202, 202]);
      expect([known.text, unknown.text]).toEqual(['', '']);
      const headerNames = (headers: Record<string, string>) => Object.keys(headers).filter((name) => !['date', 'x-request-id'].includes(name)).sort();
      expect(headerNames(unknown.headers)).toEqual(headerNames(known.headers));
      expect(unknown.headers['content-length']).toBe(known.headers['content-length']);
      await sink.waitForMail(user.email, 2);
      expect(await t.sql('SELECT id FROM mail_outbox WHERE recipient = $1', [ghost])).toEqual([]);
      expect(sink.mailsTo(ghost)).toEqual([]);
    });

    it('takes about as long for an unknown address as for a known one', async () => {
      const users = await Promise.all(Array.from({ length: 10 }, () => registerUser(t)));
      const time = async (email: string) => {
        const started = performance.now();
        await t.http().post('/api/v1/auth/password/forgot').send({ email }).expect(202);
        return performance.now() - started;
      };
      const differences: number[] = [];
      const all: number[] = [];
      for (const [index, user] of users.entries()) {
        // Pairs taken back to back, in alternating order, so a burst of load hits both sides of a pair alike.
        const knownFirst = index % 2 === 0;
        const first = await time(knownFirst ? user.email : uniqueEmail('ghost'));
        const second = await time(knownFirst ? uniqueEmail('ghost') : user.email);
        const [known, unknown] = knownFirst ? [first, second] : [second, first];
        differences.push(known - unknown);
        all.push(known, unknown);
      }
      const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      // Every answer waits for the same floor (50 ms), which hides the few ms the extra writes cost.
      expect(Math.min(...all)).toBeGreaterThanOrEqual(49);
      // The median of paired differences shrugs off the outliers a shared, loaded machine produces.
      expect(Math.abs(median(differences))).toBeLessThan(25);
    });
  });

  describe('OpenAPI', () => {
    it('documents the four operations with their responses and security', async () => {
      const { body: document } = await t.http().get('/docs/openapi.json').expect(200);
      const operation = (path: string) => document.paths[`/api/v1/auth/${path}`].post;

      expect(operation('password/forgot').operationId).toBe('auth_forgotPassword');
      expect(Object.keys(operation('password/forgot').responses).sort()).toEqual(['202', '400', '413', '415', '429']);
      expect(operation('password/reset').operationId).toBe('auth_resetPassword');
      expect(Object.keys(operation('password/reset').responses)).toEqual(expect.arrayContaining(['204', '400', '429']));
      expect(operation('email/verify').operationId).toBe('auth_verifyEmail');
      expect(Object.keys(operation('email/verify').responses)).toEqual(expect.arrayContaining(['204', '400']));
      expect(operation('email/verify/resend').operationId).toBe('auth_resendVerification');
      expect(Object.keys(operation('email/verify/resend').responses)).toEqual(expect.arrayContaining(['202', '401', '429']));
      // The access token is optional: without one the body names the address.
      expect(operation('email/verify/resend').security).toEqual([{ accessToken: [] }, {}]);
      expect(operation('password/forgot').security).toEqual([]);
      expect(document.components.schemas.ResetPasswordDto.properties.newPassword).toEqual(expect.objectContaining({ minLength: 8, maxLength: 128 }));
    });
  });
});
