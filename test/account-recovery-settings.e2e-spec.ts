import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Environment } from '../src/config/load-config.js';
import { eventually } from './support/eventually.js';
import { bearer, expectProblem, login, registerUser } from './support/factories.js';
import { SmtpSink, tokenFromMail } from './support/smtp-sink.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Behaviour that depends on configuration: each test starts an instance with its own settings on one shared database. */
describe('account recovery under different settings', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let extra: TestApp | null = null;

  /** Another instance of the app on the same database (one at a time: PGlite takes four connections). */
  async function instanceWith(env: Environment): Promise<TestApp> {
    extra = await createTestApp({ database: t.database, env: { SMTP_URL: sink.url, MAIL_POLL_INTERVAL: '50ms', ...env } });
    return extra;
  }

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createTestApp({ env: { SMTP_URL: sink.url, MAIL_POLL_INTERVAL: '50ms' } });
  });

  afterEach(async () => {
    await extra?.close();
    extra = null;
  });

  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('sends at most MAIL_PER_ADDRESS_PER_HOUR mails to one address; requests beyond still get 202 and change nothing', async () => {
    const capped = await instanceWith({ MAIL_PER_ADDRESS_PER_HOUR: '3' });
    const user = await registerUser(capped);
    const answers: number[] = [];
    for (let request = 0; request < 4; request += 1) {
      const response = await capped.http().post('/api/v1/auth/password/forgot').send({ email: user.email });
      answers.push(response.status);
      expect(response.text).toBe('');
    }

    expect(answers).toEqual([202, 202, 202, 202]);
    const lastSent = await sink.waitForMail(user.email, 3);
    const outbox = await t.sql<{ sent: boolean }>('SELECT sent_at IS NOT NULL AS sent FROM mail_outbox WHERE recipient = $1', [user.email]);
    expect(outbox).toHaveLength(3);
    // Every row queued was sent, so no fourth mail is on its way.
    await eventually(async () => (await t.sql('SELECT id FROM mail_outbox WHERE recipient = $1 AND sent_at IS NULL', [user.email])).length === 0);
    expect(sink.mailsTo(user.email)).toHaveLength(3);
    // The capped requests issued no token, so the last link that was mailed still works.
    const token = tokenFromMail(lastSent, 'reset-password');
    await capped.http().post('/api/v1/auth/password/reset').send({ token, newPassword: 'capped-but-not-locked-out' }).expect(204);
  });

  it('refuses reset and verification tokens after their TTL', async () => {
    const shortLived = await instanceWith({ PASSWORD_RESET_TTL: '1s', EMAIL_VERIFY_TTL: '1s' });
    const user = await registerUser(shortLived);
    await shortLived.http().post('/api/v1/auth/password/forgot').send({ email: user.email }).expect(202);
    const verifyMail = await sink.waitForMail(user.email, 1);
    const resetMail = await sink.waitForMail(user.email, 2);
    expect(verifyMail.text).toContain('expires in 1 second');

    const lifetimes = await t.sql<{ seconds: number }>('SELECT extract(epoch FROM expires_at - created_at)::float8 AS seconds FROM user_tokens WHERE user_id = $1', [user.id]);
    expect(lifetimes.map((row) => Math.round(row.seconds))).toEqual([1, 1]);
    // Back-dated instead of waiting: the tokens' second has passed.
    await t.sql(`UPDATE user_tokens SET created_at = created_at - interval '1 minute', expires_at = expires_at - interval '1 minute' WHERE user_id = $1`, [user.id]);

    const reset = await shortLived.http().post('/api/v1/auth/password/reset').send({ token: tokenFromMail(resetMail, 'reset-password'), newPassword: 'too-late-passphrase-1' });
    expectProblem(reset, 400);
    expect(reset.body.type).toMatch(/invalid-token$/);
    const verify = await shortLived.http().post('/api/v1/auth/email/verify').send({ token: tokenFromMail(verifyMail, 'verify-email') });
    expectProblem(verify, 400);
    await login(shortLived, user);
  });

  it('rate-limits forgot and resend per client like the other auth routes', async () => {
    const limited = await instanceWith({ RATE_LIMIT_AUTH_PER_MIN: '2' });
    const user = await registerUser(t);

    const forgot = [];
    for (let request = 0; request < 3; request += 1) forgot.push(await limited.http().post('/api/v1/auth/password/forgot').send({ email: user.email }));
    expect(forgot.map((response) => response.status)).toEqual([202, 202, 429]);
    expectProblem(forgot[2], 429);
    expect(Number(forgot[2].headers['retry-after'])).toBeGreaterThan(0);

    const resend = [];
    for (let request = 0; request < 3; request += 1) resend.push(await limited.http().post('/api/v1/auth/email/verify/resend').set(bearer(user.accessToken)));
    expect(resend.map((response) => response.status)).toEqual([202, 202, 429]);
  });
});
