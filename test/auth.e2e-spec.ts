import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, GOOD_PASSWORD, login, registerUser, uniqueEmail } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('auth: register, login, me', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('registers with a normalised email and returns a user and a token pair', async () => {
    const email = uniqueEmail('Mixed');
    const response = await t.http().post('/api/v1/auth/register').send({ email: `  ${email.toUpperCase()} `, password: GOOD_PASSWORD, name: '  Ada  ' });

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      user: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email: email.toLowerCase(),
        name: 'Ada',
        emailVerified: false,
        mfaEnabled: false,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        updatedAt: expect.any(String),
      },
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshExpiresIn: expect.any(Number),
    });
    expect(response.body.refreshExpiresIn).toBeGreaterThan(7 * 86400 - 5);
    expect(response.body.refreshExpiresIn).toBeLessThanOrEqual(7 * 86400);
    const [row] = await t.sql<{ email: string; password_hash: string }>('SELECT email, password_hash FROM users WHERE id = $1', [response.body.user.id]);
    expect(row.email).toBe(email.toLowerCase());
    expect(row.password_hash).toMatch(/^\$2[aby]\$04\$/);
    expect(row.password_hash).not.toContain(GOOD_PASSWORD);
  });

  it('answers 409 for an email that is taken in another letter case, and creates nothing', async () => {
    const user = await registerUser(t);
    const response = await t.http().post('/api/v1/auth/register').send({ email: user.email.toUpperCase(), password: GOOD_PASSWORD });

    expectProblem(response, 409);
    expect(response.body.type).toMatch(/email-taken$/);
    const rows = await t.sql('SELECT id FROM users WHERE email = $1', [user.email]);
    expect(rows).toHaveLength(1);
  });

  it.each([
    ['an invalid email', { email: 'not-an-email', password: GOOD_PASSWORD }, 'email'],
    ['an email over 254 characters', { email: `${'a'.repeat(250)}@example.com`, password: GOOD_PASSWORD }, 'email'],
    ['a 7-character password', { email: 'x@example.com', password: 'Zq9!mK2' }, 'password'],
    ['a 129-character password', { email: 'x@example.com', password: 'Zq9!mK2x'.repeat(16) + 'y' }, 'password'],
    ['a common password', { email: 'x@example.com', password: 'password123' }, 'password'],
    ['a non-string password', { email: 'x@example.com', password: 12345678 }, 'password'],
    ['a name over 100 characters', { email: 'x@example.com', password: GOOD_PASSWORD, name: 'n'.repeat(101) }, 'name'],
    ['an unknown property', { email: 'x@example.com', password: GOOD_PASSWORD, emailVerified: true }, 'emailVerified'],
    ['a client-chosen id', { email: 'x@example.com', password: GOOD_PASSWORD, id: '00000000-0000-4000-8000-000000000000' }, 'id'],
  ])('rejects %s with a 400 naming the field', async (_label, body, field) => {
    const response = await t.http().post('/api/v1/auth/register').send(body);

    expectProblem(response, 400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]));
  });

  it('counts password length in characters, not bytes', async () => {
    const eightEmoji = '🦊🐙🦉🐢🦔🐝🦋🐬';
    const response = await t.http().post('/api/v1/auth/register').send({ email: uniqueEmail(), password: eightEmoji });
    expect(response.status).toBe(201);
  });

  it('treats two passwords sharing their first 72 bytes as different passwords', async () => {
    const prefix = 'x'.repeat(72);
    const user = await registerUser(t, { password: `${prefix}-first` });

    const wrong = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: `${prefix}-second` });
    expectProblem(wrong, 401);
    const right = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: `${prefix}-first` });
    expect(right.status).toBe(200);
  });

  it('logs in with the email in any case and surrounding spaces', async () => {
    const user = await registerUser(t);
    const response = await t.http().post('/api/v1/auth/login').send({ email: ` ${user.email.toUpperCase()} `, password: user.password });

    expect(response.status).toBe(200);
    expect(response.body.user.id).toBe(user.id);
    expect(response.body.tokenType).toBe('Bearer');
  });

  it('answers an unknown email and a wrong password with the same generic 401', async () => {
    const user = await registerUser(t);
    const wrongPassword = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: 'not-the-password-1' });
    const unknownEmail = await t.http().post('/api/v1/auth/login').send({ email: uniqueEmail('ghost'), password: 'not-the-password-1' });

    expectProblem(wrongPassword, 401);
    expectProblem(unknownEmail, 401);
    const { requestId: _a, ...first } = wrongPassword.body;
    const { requestId: _b, ...second } = unknownEmail.body;
    expect(first).toEqual(second);
    expect(wrongPassword.headers['www-authenticate']).toBe(unknownEmail.headers['www-authenticate']);
  });

  it('does not trim passwords', async () => {
    const user = await registerUser(t, { password: `  ${GOOD_PASSWORD}  ` });
    const trimmed = await t.http().post('/api/v1/auth/login').send({ email: user.email, password: GOOD_PASSWORD });
    expectProblem(trimmed, 401);
    await login(t, user);
  });

  it('returns the caller from GET /users/me, never a password or hash', async () => {
    const user = await registerUser(t, { name: 'Grace' });
    const response = await t.http().get('/api/v1/users/me').set(bearer(user.accessToken));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: user.id, email: user.email, name: 'Grace', emailVerified: false, mfaEnabled: false, createdAt: expect.any(String), updatedAt: expect.any(String) });
    expect(JSON.stringify(response.body)).not.toMatch(/password|hash/i);
  });

  it('creates one session row per login, with user agent and address', async () => {
    const user = await registerUser(t);
    await login(t, user, 'agent-one');
    await login(t, user, 'agent-two');

    const rows = await t.sql<{ user_agent: string | null; ip: string | null; revoked_at: Date | null }>(
      'SELECT user_agent, ip, revoked_at FROM sessions WHERE user_id = $1 ORDER BY created_at',
      [user.id],
    );
    expect(rows).toHaveLength(3);
    expect(rows.map((row) => row.user_agent)).toEqual(expect.arrayContaining(['agent-one', 'agent-two']));
    expect(rows.every((row) => row.revoked_at === null && typeof row.ip === 'string')).toBe(true);
  });

  it('rejects an access token whose session row is revoked, on the very next request', async () => {
    const user = await registerUser(t);
    expect((await t.http().get('/api/v1/users/me').set(bearer(user.accessToken))).status).toBe(200);

    await t.sql(`UPDATE sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE user_id = $1`, [user.id]);

    const response = await t.http().get('/api/v1/users/me').set(bearer(user.accessToken));
    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('rejects an access token whose session row is gone', async () => {
    const user = await registerUser(t);
    await t.sql('DELETE FROM sessions WHERE user_id = $1', [user.id]);
    expectProblem(await t.http().get('/api/v1/users/me').set(bearer(user.accessToken)), 401);
  });
});
