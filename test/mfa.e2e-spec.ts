import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generate } from 'otplib';
import { eventually } from './support/eventually.js';
import { bearer, expectProblem, GOOD_PASSWORD, type RegisteredUser, registerUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const PERIOD = 30;
const currentStep = (): number => Math.floor(Date.now() / 1000 / PERIOD);
/** The code an authenticator app shows in time step `step` (computed, not waited for). */
const codeAt = (secret: string, step: number): Promise<string> => generate({ secret, epoch: step * PERIOD + 1 });
const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');

interface Enrolled extends RegisteredUser {
  secret: string;
  recoveryCodes: string[];
  /** The step the confirming code belonged to (the last accepted one). */
  confirmedStep: number;
}

describe('two-factor sign-in (TOTP)', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Secrets are sealed like the signing keys: with this set they are encrypted at rest.
    t = await createTestApp({ env: { JWT_KEY_ENCRYPTION_SECRET: randomBytes(32).toString('hex') } });
  });

  afterAll(async () => {
    await t.close();
  });

  async function enrol(): Promise<Enrolled> {
    const user = await registerUser(t);
    const setup = await t.http().post('/api/v1/auth/mfa/totp/setup').set(bearer(user.accessToken)).send({ password: user.password });
    expect(setup.status).toBe(200);
    const secret: string = setup.body.secret;
    const confirmedStep = currentStep();
    const confirm = await t.http().post('/api/v1/auth/mfa/totp/confirm').set(bearer(user.accessToken)).send({ code: await codeAt(secret, confirmedStep) });
    expect(confirm.status).toBe(200);
    return { ...user, secret, recoveryCodes: confirm.body.recoveryCodes, confirmedStep };
  }

  /** Forgets the last accepted step, as if time had moved on: the next code of the current window is fresh again. */
  const forgetLastStep = (userId: string) => t.sql('UPDATE users SET totp_last_step = totp_last_step - 10 WHERE id = $1', [userId]);

  async function challenge(user: { email: string; password: string }): Promise<string> {
    const response = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ mfaRequired: true, mfaToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresIn: 300 });
    return response.body.mfaToken;
  }

  it('enrols: setup answers a secret and an otpauth URI, confirm turns it on with 10 recovery codes; secrets sealed, codes hashed', async () => {
    const user = await registerUser(t);
    const setup = await t.http().post('/api/v1/auth/mfa/totp/setup').set(bearer(user.accessToken)).send({ password: user.password });
    expect(setup.status).toBe(200);
    expect(setup.body).toEqual({ secret: expect.stringMatching(/^[A-Z2-7]{32}$/), otpauthUri: expect.stringMatching(/^otpauth:\/\/totp\//) });
    const uri = new URL(setup.body.otpauthUri);
    expect(uri.searchParams.get('secret')).toBe(setup.body.secret);
    expect(uri.searchParams.get('issuer')).toBe('tasknest');

    // Pending: logging in still takes the password only.
    const before = await t.http().get('/api/v1/users/me').set(bearer(user.accessToken));
    expect(before.body.mfaEnabled).toBe(false);

    const other = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    expect(other.status).toBe(200);
    expect(other.body.accessToken).toEqual(expect.any(String));

    const wrong = await t.http().post('/api/v1/auth/mfa/totp/confirm').set(bearer(user.accessToken)).send({ code: await codeAt(setup.body.secret, currentStep() - 3) });
    expectProblem(wrong, 403);
    expect(wrong.body.type).toMatch(/wrong-mfa-code$/);

    const confirm = await t.http().post('/api/v1/auth/mfa/totp/confirm').set(bearer(user.accessToken)).send({ code: await codeAt(setup.body.secret, currentStep()) });
    expect(confirm.status).toBe(200);
    expect(confirm.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirm.body.recoveryCodes).size).toBe(10);

    const me = await t.http().get('/api/v1/users/me').set(bearer(user.accessToken));
    expect(me.body.mfaEnabled).toBe(true);
    // Turning it on ended the other session, not this one.
    expect((await t.http().get('/api/v1/users/me').set(bearer(other.body.accessToken))).status).toBe(401);

    const [row] = await t.sql<{ totp_secret: string; totp_pending_secret: string | null; mfa_enabled: boolean }>(
      'SELECT totp_secret, totp_pending_secret, mfa_enabled FROM users WHERE id = $1',
      [user.id],
    );
    expect(row.mfa_enabled).toBe(true);
    expect(row.totp_pending_secret).toBeNull();
    expect(row.totp_secret).toMatch(/^v1\./);
    expect(row.totp_secret).not.toContain(setup.body.secret);
    expect(Buffer.from(row.totp_secret.split('.')[3] ?? '', 'base64url').toString('utf8')).not.toContain(setup.body.secret);
    const codes = await t.sql<{ code_hash: string }>('SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1 ORDER BY code_hash', [user.id]);
    expect(codes.map((c) => c.code_hash)).toEqual(confirm.body.recoveryCodes.map((c: string) => sha256(c.replace('-', ''))).sort());

    const again = await t.http().post('/api/v1/auth/mfa/totp/setup').set(bearer(user.accessToken)).send({ password: user.password });
    expectProblem(again, 409);
    const badPassword = await t.http().post('/api/v1/auth/mfa/totp/setup').set(bearer(user.accessToken)).send({ password: 'not-the-password' });
    expectProblem(badPassword, 403);
  });

  it('logs in with a code; the same code again, an earlier step of the window and a code from 2 steps ago are refused', async () => {
    const user = await enrol();
    // The confirming code's step was accepted: that code cannot log in.
    const replayConfirm = await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), code: await codeAt(user.secret, user.confirmedStep) });
    expectProblem(replayConfirm, 401);

    const next = user.confirmedStep + 1;
    const code = await codeAt(user.secret, next);
    const response = await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), code });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.objectContaining({ accessToken: expect.any(String), refreshToken: expect.any(String), tokenType: 'Bearer', user: expect.objectContaining({ id: user.id, mfaEnabled: true }) }));
    expect((await t.http().get('/api/v1/users/me').set(bearer(response.body.accessToken))).status).toBe(200);
    const [{ totp_last_step }] = await t.sql<{ totp_last_step: string }>('SELECT totp_last_step FROM users WHERE id = $1', [user.id]);
    expect(Number(totp_last_step)).toBe(next);

    const replay = await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), code });
    expectProblem(replay, 401);
    const earlier = await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), code: await codeAt(user.secret, next - 1) });
    expectProblem(earlier, 401);

    // Outside the ±1 step window: refused even with no step accepted since.
    await forgetLastStep(user.id);
    const stale = await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), code: await codeAt(user.secret, currentStep() - 2) });
    expectProblem(stale, 401);

    // Events are written after the answer: wait for the rows.
    await eventually(async () => {
      const failed = await t.sql<{ count: string }>(`SELECT count(*) FROM security_events WHERE user_id = $1 AND type = 'login.failed' AND reason = 'mfa_failed'`, [user.id]);
      return Number(failed[0].count) >= 4;
    });
    const failed = await t.sql<{ count: string }>(`SELECT count(*) FROM security_events WHERE user_id = $1 AND type = 'login.failed' AND reason = 'mfa_failed'`, [user.id]);
    expect(Number(failed[0].count)).toBe(4);
  });

  it('a recovery code logs in once', async () => {
    const user = await enrol();
    const [recoveryCode] = user.recoveryCodes;
    const first = await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), recoveryCode: recoveryCode.toUpperCase() });
    expect(first.status).toBe(200);
    expect(first.body.accessToken).toEqual(expect.any(String));
    const second = await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), recoveryCode });
    expectProblem(second, 401);
    const used = await t.sql<{ count: string }>('SELECT count(*) FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NOT NULL', [user.id]);
    expect(Number(used[0].count)).toBe(1);

    const both = await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), recoveryCode: user.recoveryCodes[1], code: '123456' });
    expectProblem(both, 400);
  });

  it('the mfaToken works once, dies after 5 wrong codes, and after 5 minutes', async () => {
    const user = await enrol();
    const used = await challenge(user);
    expect((await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: used, recoveryCode: user.recoveryCodes[0] })).status).toBe(200);
    expectProblem(await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: used, recoveryCode: user.recoveryCodes[1] }), 401);

    const mfaToken = await challenge(user);
    const wrong = String((Number(await codeAt(user.secret, currentStep())) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 5; i += 1) expectProblem(await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken, code: wrong }), 401);
    const [row] = await t.sql<{ attempts: number }>('SELECT attempts FROM mfa_challenges WHERE token_hash = $1', [sha256(mfaToken)]);
    expect(row.attempts).toBe(5);
    const dead = await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken, recoveryCode: user.recoveryCodes[1] });
    expectProblem(dead, 401);
    expect(dead.body.detail).toMatch(/log in again/i);

    const expiring = await challenge(user);
    await t.sql(`UPDATE mfa_challenges SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [sha256(expiring)]);
    expectProblem(await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: expiring, recoveryCode: user.recoveryCodes[1] }), 401);
    // The recovery code offered to the dead tokens was not used up.
    expect((await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), recoveryCode: user.recoveryCodes[1] })).status).toBe(200);
  });

  it('10 parallel submissions of one valid code (10 mfaTokens) → exactly one 200', async () => {
    const user = await enrol();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => challenge(user)));
    const code = await codeAt(user.secret, user.confirmedStep + 1);
    const responses = await Promise.all(tokens.map((mfaToken) => t.http().post('/api/v1/auth/login/mfa').send({ mfaToken, code })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
    const sessions = await t.sql<{ count: string }>('SELECT count(*) FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [user.id]);
    // The enrolling session and the one winner.
    expect(Number(sessions[0].count)).toBe(2);
  });

  it('10 parallel submissions on one mfaToken → exactly one 200', async () => {
    const user = await enrol();
    const mfaToken = await challenge(user);
    const code = await codeAt(user.secret, user.confirmedStep + 1);
    const responses = await Promise.all(Array.from({ length: 10 }, () => t.http().post('/api/v1/auth/login/mfa').send({ mfaToken, code })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 401)).toHaveLength(9);
  });

  it('turning it off needs the password and a code; it ends other sessions and the recovery codes', async () => {
    const user = await enrol();
    await forgetLastStep(user.id);
    const code = await codeAt(user.secret, currentStep());
    const other = await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), recoveryCode: user.recoveryCodes[0] });
    expect(other.status).toBe(200);

    const noCode = await t.http().delete('/api/v1/auth/mfa/totp').set(bearer(user.accessToken)).send({ password: user.password });
    expectProblem(noCode, 400);
    const wrongPassword = await t.http().delete('/api/v1/auth/mfa/totp').set(bearer(user.accessToken)).send({ password: 'not-the-password', code });
    expectProblem(wrongPassword, 403);
    expect(wrongPassword.body.type).toMatch(/wrong-password$/);
    const wrongCode = await t.http().delete('/api/v1/auth/mfa/totp').set(bearer(user.accessToken)).send({ password: user.password, code: await codeAt(user.secret, currentStep() - 5) });
    expectProblem(wrongCode, 403);
    expect(wrongCode.body.type).toMatch(/wrong-mfa-code$/);

    const off = await t.http().delete('/api/v1/auth/mfa/totp').set(bearer(user.accessToken)).send({ password: user.password, code });
    expect(off.status).toBe(204);
    expect((await t.http().get('/api/v1/users/me').set(bearer(other.body.accessToken))).status).toBe(401);
    const [row] = await t.sql<{ mfa_enabled: boolean; totp_secret: string | null }>('SELECT mfa_enabled, totp_secret FROM users WHERE id = $1', [user.id]);
    expect(row).toEqual({ mfa_enabled: false, totp_secret: null });
    expect(await t.sql('SELECT id FROM mfa_recovery_codes WHERE user_id = $1', [user.id])).toEqual([]);
    const events = await eventually(async () => {
      const rows = await t.sql<{ type: string }>(`SELECT type FROM security_events WHERE user_id = $1 AND type LIKE 'mfa.%' ORDER BY id`, [user.id]);
      return rows.length >= 2 ? rows : null;
    });
    expect(events.map((e) => e.type)).toEqual(['mfa.enabled', 'mfa.disabled']);

    const plain = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: user.password });
    expect(plain.status).toBe(200);
    expect(plain.body.accessToken).toEqual(expect.any(String));
  });

  it('new recovery codes need both factors; the old ones die', async () => {
    const user = await enrol();
    await forgetLastStep(user.id);
    const badPassword = await t.http().post('/api/v1/auth/mfa/recovery-codes').set(bearer(user.accessToken)).send({ password: 'nope', code: await codeAt(user.secret, currentStep()) });
    expectProblem(badPassword, 403);
    const fresh = await t.http().post('/api/v1/auth/mfa/recovery-codes').set(bearer(user.accessToken)).send({ password: user.password, code: await codeAt(user.secret, currentStep()) });
    expect(fresh.status).toBe(200);
    expect(fresh.body.recoveryCodes).toHaveLength(10);
    expectProblem(await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), recoveryCode: user.recoveryCodes[0] }), 401);
    expect((await t.http().post('/api/v1/auth/login/mfa').send({ mfaToken: await challenge(user), recoveryCode: fresh.body.recoveryCodes[0] })).status).toBe(200);
  });

  it('a password reset leaves MFA on', async () => {
    const user = await enrol();
    const token = randomBytes(32).toString('base64url');
    await t.sql(`INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at) VALUES ($1, 'password_reset', $2, now() + interval '1 hour')`, [user.id, sha256(token)]);
    const newPassword = 'a-brand-new-passphrase-77';
    expect((await t.http().post('/api/v1/auth/password/reset').send({ token, newPassword })).status).toBe(204);
    await challenge({ email: user.email, password: newPassword });
    const [row] = await t.sql<{ mfa_enabled: boolean }>('SELECT mfa_enabled FROM users WHERE id = $1', [user.id]);
    expect(row.mfa_enabled).toBe(true);
  });

  it('the seed dialect login answers 403 mfa-required and opens no challenge', async () => {
    const user = await enrol();
    const response = await t.http().post('/api/auth/login').send({ email: user.email, password: GOOD_PASSWORD });
    expectProblem(response, 403);
    expect(response.body.type).toMatch(/mfa-required$/);
    expect(await t.sql('SELECT id FROM mfa_challenges WHERE user_id = $1', [user.id])).toEqual([]);
    const wrong = await t.http().post('/api/auth/login').send({ email: user.email, password: 'not-the-password' });
    expectProblem(wrong, 401);
  });
});
