import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, GOOD_PASSWORD, login, registerUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { getMe, refresh, sessionIdOf, sessionRow } from './support/tokens.js';

const NEW_PASSWORD = 'violet-heron-compass-77';

describe('users: profile, password change, account deletion', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const patchMe = (token: string, body: unknown) => t.http().patch('/api/v1/users/me').set(bearer(token)).send(body as object);
  const changePassword = (token: string, body: unknown) => t.http().post('/api/v1/users/me/password').set(bearer(token)).send(body as object);
  const deleteMe = (token: string, body: unknown) => t.http().delete('/api/v1/users/me').set(bearer(token)).send(body as object);
  const loginStatus = async (email: string, password: string) => (await t.http().post('/api/v1/auth/login').send({ email, password })).status;

  describe('PATCH /users/me', () => {
    it('stores the name trimmed and returns the user with a new updatedAt', async () => {
      const user = await registerUser(t, { name: 'Before' });
      // Back-dated, so "newer" does not depend on the clock moving between two requests.
      await t.sql(`UPDATE users SET updated_at = updated_at - interval '1 minute' WHERE id = $1`, [user.id]);
      const before = (await getMe(t, user.accessToken)).body;

      const response = await patchMe(user.accessToken, { name: '  Ada Lovelace \n' });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...before, name: 'Ada Lovelace', updatedAt: expect.any(String) });
      expect(Date.parse(response.body.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));
      const [row] = await t.sql<{ name: string | null }>('SELECT name FROM users WHERE id = $1', [user.id]);
      expect(row.name).toBe('Ada Lovelace');
    });

    it.each([
      ['null', null],
      ['an empty string', ''],
      ['only spaces', '   '],
    ])('clears the name when given %s', async (_label, name) => {
      const user = await registerUser(t, { name: 'Someone' });

      const response = await patchMe(user.accessToken, { name });

      expect(response.status).toBe(200);
      expect(response.body.name).toBeNull();
      const [row] = await t.sql<{ name: string | null }>('SELECT name FROM users WHERE id = $1', [user.id]);
      expect(row.name).toBeNull();
    });

    it('accepts 100 characters once trimmed', async () => {
      const user = await registerUser(t);
      const response = await patchMe(user.accessToken, { name: `  ${'n'.repeat(100)}  ` });
      expect(response.status).toBe(200);
      expect(response.body.name).toBe('n'.repeat(100));
    });

    it.each([
      ['a name over 100 characters', { name: 'n'.repeat(101) }, 'name'],
      ['a name that is not a string', { name: 42 }, 'name'],
      ['no name at all', {}, 'name'],
      ['an email change', { name: 'Ada', email: 'other@example.com' }, 'email'],
      ['a client-chosen id', { name: 'Ada', id: '00000000-0000-4000-8000-000000000000' }, 'id'],
      ['a password hash', { name: 'Ada', passwordHash: 'x' }, 'passwordHash'],
      ['emailVerified', { name: 'Ada', emailVerified: true }, 'emailVerified'],
    ])('rejects %s with 400 naming the field, and changes nothing', async (_label, body, field) => {
      const user = await registerUser(t, { name: 'Unchanged' });

      const response = await patchMe(user.accessToken, body);

      expectProblem(response, 400);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      const [row] = await t.sql<{ name: string; email: string; email_verified: boolean }>('SELECT name, email, email_verified FROM users WHERE id = $1', [user.id]);
      expect(row).toEqual({ name: 'Unchanged', email: user.email, email_verified: false });
    });

    it('needs an access token', async () => {
      expectProblem(await t.http().patch('/api/v1/users/me').send({ name: 'Ada' }), 401);
    });
  });

  describe('POST /users/me/password', () => {
    it('answers a wrong current password with 403 (not 401) and changes nothing', async () => {
      const user = await registerUser(t);
      const other = await login(t, user);

      const response = await changePassword(user.accessToken, { currentPassword: 'not-my-password-9', newPassword: NEW_PASSWORD });

      expectProblem(response, 403);
      expect(response.body.type).toMatch(/wrong-password$/);
      expect(response.headers['www-authenticate']).toBeUndefined();
      expect((await getMe(t, other.accessToken)).status).toBe(200);
      expect(await loginStatus(user.email, GOOD_PASSWORD)).toBe(200);
      expect(await loginStatus(user.email, NEW_PASSWORD)).toBe(401);
    });

    it.each([
      ['a new password under 8 characters', { currentPassword: GOOD_PASSWORD, newPassword: 'Zq9!mK2' }, 'newPassword'],
      ['a new password over 128 characters', { currentPassword: GOOD_PASSWORD, newPassword: 'Zq9!mK2x'.repeat(16) + 'y' }, 'newPassword'],
      ['a common new password', { currentPassword: GOOD_PASSWORD, newPassword: 'password123' }, 'newPassword'],
      ['no current password', { newPassword: NEW_PASSWORD }, 'currentPassword'],
      ['an unknown property', { currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD, userId: 'x' }, 'userId'],
    ])('rejects %s with 400 and keeps the old password', async (_label, body, field) => {
      const user = await registerUser(t);

      const response = await changePassword(user.accessToken, body);

      expectProblem(response, 400);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await loginStatus(user.email, GOOD_PASSWORD)).toBe(200);
    });

    it('changes the password, ends every other session at once and keeps this one', async () => {
      const user = await registerUser(t);
      const phone = await login(t, user, 'phone');
      const laptop = await login(t, user, 'laptop');
      const stranger = await registerUser(t);

      const response = await changePassword(phone.accessToken, { currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD });

      expect(response.status).toBe(204);
      for (const ended of [user, laptop]) {
        expectProblem(await getMe(t, ended.accessToken), 401);
        expectProblem(await refresh(t, ended.refreshToken), 401);
        expect((await sessionRow(t, sessionIdOf(ended.accessToken)))?.revoked_reason).toBe('password_changed');
      }
      expect((await getMe(t, phone.accessToken)).status).toBe(200);
      expect((await refresh(t, phone.refreshToken)).status).toBe(200);
      expect((await getMe(t, stranger.accessToken)).status).toBe(200);
      expect(await loginStatus(user.email, GOOD_PASSWORD)).toBe(401);
      expect(await loginStatus(user.email, NEW_PASSWORD)).toBe(200);
    });
  });

  describe('DELETE /users/me', () => {
    it('answers a wrong password with 403 and deletes nothing', async () => {
      const user = await registerUser(t);

      const response = await deleteMe(user.accessToken, { password: 'not-my-password-9' });

      expectProblem(response, 403);
      expect(response.body.type).toMatch(/wrong-password$/);
      expect(await t.sql('SELECT id FROM users WHERE id = $1', [user.id])).toHaveLength(1);
      expect((await getMe(t, user.accessToken)).status).toBe(200);
    });

    it('rejects a missing password with 400', async () => {
      const user = await registerUser(t);
      const response = await deleteMe(user.accessToken, {});
      expectProblem(response, 400);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'password' })]));
    });

    it('deletes the user with its sessions and tasks, every token stops working at once, and no one else is touched', async () => {
      const user = await registerUser(t);
      const other = await login(t, user);
      const stranger = await registerUser(t);
      for (const ownerId of [user.id, user.id, stranger.id]) {
        await t.sql(`INSERT INTO tasks (owner_id, title) VALUES ($1, 'a task')`, [ownerId]);
      }

      const response = await deleteMe(user.accessToken, { password: GOOD_PASSWORD });

      expect(response.status).toBe(204);
      for (const tokens of [user, other]) {
        expectProblem(await getMe(t, tokens.accessToken), 401);
        expectProblem(await refresh(t, tokens.refreshToken), 401);
      }
      expect(await t.sql('SELECT id FROM users WHERE id = $1', [user.id])).toHaveLength(0);
      expect(await t.sql('SELECT id FROM sessions WHERE user_id = $1', [user.id])).toHaveLength(0);
      expect(await t.sql('SELECT id FROM tasks WHERE owner_id = $1', [user.id])).toHaveLength(0);
      expect(await t.sql('SELECT id FROM tasks WHERE owner_id = $1', [stranger.id])).toHaveLength(1);
      expect((await getMe(t, stranger.accessToken)).status).toBe(200);
      expect(await loginStatus(user.email, GOOD_PASSWORD)).toBe(401);
      expect((await t.http().post('/api/v1/auth/register').send({ email: user.email, password: GOOD_PASSWORD })).status).toBe(201);
    });
  });
  describe('the OpenAPI document', () => {
    const expected: Record<string, number[]> = {
      auth_register: [400, 409, 413, 415, 429, 503],
      auth_login: [400, 401, 403, 413, 415, 429, 503],
      auth_refresh: [400, 401, 403, 413, 415, 429, 503],
      auth_logout: [401, 429, 503],
      auth_logoutAll: [401, 429, 503],
      auth_listSessions: [401, 429, 503],
      auth_revokeSession: [401, 404, 429, 503],
      users_getMe: [401, 429, 503],
      users_updateMe: [400, 401, 413, 415, 429, 503],
      users_changePassword: [400, 401, 403, 413, 415, 429, 503],
      users_deleteMe: [400, 401, 403, 413, 415, 429, 503],
    };

    it('documents every auth and users operation with each problem status it can answer', async () => {
      const document = (await t.http().get('/docs/openapi.json')).body as {
        paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, unknown> }> }>>;
      };
      const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));

      for (const [operationId, statuses] of Object.entries(expected)) {
        const operation = operations.find((candidate) => candidate.operationId === operationId);
        expect(operation).toBeDefined();
        const errors = Object.keys(operation?.responses ?? {}).map(Number).filter((status) => status >= 400);
        expect({ operationId, errors: errors.sort((a, b) => a - b) }).toEqual({ operationId, errors: statuses });
        for (const status of statuses) {
          expect(operation?.responses[String(status)].content).toHaveProperty(['application/problem+json']);
        }
      }
    });
  });
});
