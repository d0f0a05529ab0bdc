import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SessionsService } from '../src/auth/sessions.service.js';
import { bearer, expectProblem, login, registerUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { itOnPostgres, sleep } from './support/eventually.js';
import { claimsOf, getMe, refresh, sessionIdOf, sessionRow } from './support/tokens.js';

const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

async function expectDead(t: TestApp, tokens: { accessToken: string; refreshToken: string }): Promise<void> {
  const me = await getMe(t, tokens.accessToken);
  expectProblem(me, 401);
  expect(me.headers['www-authenticate']).toMatch(/^Bearer/);
  expectProblem(await refresh(t, tokens.refreshToken), 401);
}

async function expectAlive(t: TestApp, tokens: { accessToken: string }): Promise<void> {
  expect((await getMe(t, tokens.accessToken)).status).toBe(200);
}

describe('sessions: refresh rotation, revocation and expiry', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  describe('POST /auth/refresh', () => {
    it('returns a new pair, moves the generation on and records lastUsedAt, user agent and address', async () => {
      const user = await registerUser(t);
      const sessionId = sessionIdOf(user.accessToken);
      // Back-dated, so "later" does not depend on the clock moving between two requests.
      await t.sql(`UPDATE sessions SET last_used_at = last_used_at - interval '1 minute', expires_at = expires_at - interval '1 minute' WHERE id = $1`, [sessionId]);
      const before = await sessionRow(t, sessionId);

      const response = await refresh(t, user.refreshToken, 'agent-after-refresh');

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        user: expect.objectContaining({ id: user.id, email: user.email }),
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
        refreshExpiresIn: expect.any(Number),
      });
      expect(response.body.refreshToken).not.toBe(user.refreshToken);
      expect(response.body.accessToken).not.toBe(user.accessToken);
      expect(claimsOf(response.body.refreshToken)).toEqual(expect.objectContaining({ typ: 'refresh', sid: sessionId, sub: user.id, gen: 1 }));
      expect(claimsOf(response.body.accessToken)).toEqual(expect.objectContaining({ typ: 'access', sid: sessionId, sub: user.id }));
      const after = await sessionRow(t, sessionId);
      expect(after).toEqual(expect.objectContaining({ refresh_generation: 1, user_agent: 'agent-after-refresh', revoked_at: null }));
      expect(after?.last_used_at.getTime()).toBeGreaterThan(before?.last_used_at.getTime() ?? Infinity);
      expect(after?.expires_at.getTime()).toBeGreaterThan(before?.expires_at.getTime() ?? Infinity);
      expect(after?.ip).toEqual(expect.any(String));
      await expectAlive(t, response.body);
    });

    it('keeps every refresh token out of the database', async () => {
      const user = await registerUser(t);
      const rotated = (await refresh(t, user.refreshToken)).body.refreshToken as string;

      const rows = await t.sql<{ row: string }>('SELECT s::text AS row FROM sessions s WHERE user_id = $1', [user.id]);
      for (const token of [user.refreshToken, rotated]) {
        const signature = token.split('.')[2];
        expect(rows[0].row).not.toContain(token);
        expect(rows[0].row).not.toContain(signature);
      }
    });

    it('gives the token just rotated out, inside the grace window, the current refresh token byte for byte and mints no new one', async () => {
      const user = await registerUser(t);
      const first = await refresh(t, user.refreshToken);
      expect(first.status).toBe(200);

      const retry = await refresh(t, user.refreshToken);

      expect(retry.status).toBe(200);
      expect(retry.body.refreshToken).toBe(first.body.refreshToken);
      expect(retry.body.accessToken).not.toBe(first.body.accessToken);
      await expectAlive(t, retry.body);
      expect((await sessionRow(t, sessionIdOf(user.accessToken)))?.refresh_generation).toBe(1);
      const next = await refresh(t, first.body.refreshToken);
      expect(next.status).toBe(200);
      expect(claimsOf(next.body.refreshToken).gen).toBe(2);
    });

    it('treats an older token than the one just rotated out as theft even inside the grace window: that session dies, others live', async () => {
      const user = await registerUser(t);
      const other = await login(t, user);
      const second = (await refresh(t, user.refreshToken)).body;
      const third = (await refresh(t, second.refreshToken)).body;
      expect(third.refreshToken).toEqual(expect.any(String));

      expectProblem(await refresh(t, user.refreshToken), 401);

      await expectDead(t, third);
      await expectDead(t, second);
      const row = await sessionRow(t, sessionIdOf(user.accessToken));
      expect(row?.revoked_reason).toBe('refresh_token_reuse');
      await expectAlive(t, other);
      expect((await refresh(t, other.refreshToken)).status).toBe(200);
    });

    it('revokes the session when a rotated-out token comes back after the grace window; other sessions live on', async () => {
      const shortGrace = await createTestApp({ database: t.database, env: { REFRESH_REUSE_GRACE: '1s' } });
      try {
        const user = await registerUser(shortGrace);
        const other = await login(shortGrace, user);
        const rotated = (await refresh(shortGrace, user.refreshToken)).body;
        expect((await refresh(shortGrace, user.refreshToken)).body.refreshToken).toBe(rotated.refreshToken);

        await sleep(1100);
        const reuse = await refresh(shortGrace, user.refreshToken);

        expectProblem(reuse, 401);
        await expectDead(shortGrace, rotated);
        await expectDead(shortGrace, user);
        expect((await sessionRow(t, sessionIdOf(user.accessToken)))?.revoked_reason).toBe('refresh_token_reuse');
        await expectAlive(shortGrace, other);
        expect((await refresh(shortGrace, other.refreshToken)).status).toBe(200);
      } finally {
        await shortGrace.close();
      }
    });

    it('treats any reuse as theft when REFRESH_REUSE_GRACE is 0', async () => {
      const noGrace = await createTestApp({ database: t.database, env: { REFRESH_REUSE_GRACE: '0' } });
      try {
        const user = await registerUser(noGrace);
        const rotated = (await refresh(noGrace, user.refreshToken)).body;

        expectProblem(await refresh(noGrace, user.refreshToken), 401);

        await expectDead(noGrace, rotated);
      } finally {
        await noGrace.close();
      }
    });

    itOnPostgres('lets 10 concurrent refreshes of one token move the generation on once and hand all of them the same refresh token', async () => {
      const user = await registerUser(t);
      const sessionId = sessionIdOf(user.accessToken);

      const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(t, user.refreshToken)));

      expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
      const refreshTokens = new Set(responses.map((response) => response.body.refreshToken as string));
      expect(refreshTokens.size).toBe(1);
      const [live] = refreshTokens;
      expect(claimsOf(live).gen).toBe(1);
      expect((await sessionRow(t, sessionId))?.refresh_generation).toBe(1);
      for (const response of responses) await expectAlive(t, response.body);
      // The original token still only yields that same token; the shared one is the one that moves on.
      expect((await refresh(t, user.refreshToken)).body.refreshToken).toBe(live);
      const next = await refresh(t, live);
      expect(next.status).toBe(200);
      expect(claimsOf(next.body.refreshToken).gen).toBe(2);
      expect((await sessionRow(t, sessionId))?.refresh_generation).toBe(2);
    });
  });

  describe('ending sessions', () => {
    it('logout ends this session at once: its access and refresh tokens get 401, other sessions live on', async () => {
      const user = await registerUser(t);
      const other = await login(t, user);

      const response = await t.http().post('/api/v1/auth/logout').set(bearer(user.accessToken));

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      await expectDead(t, user);
      expect((await sessionRow(t, sessionIdOf(user.accessToken)))?.revoked_reason).toBe('logout');
      expectProblem(await t.http().post('/api/v1/auth/logout').set(bearer(user.accessToken)), 401);
      await expectAlive(t, other);
      expect((await refresh(t, other.refreshToken)).status).toBe(200);
    });

    it('logout-all ends every session of the caller, this one included, and no one else\'s', async () => {
      const user = await registerUser(t);
      const second = await login(t, user);
      const third = await login(t, user);
      const stranger = await registerUser(t);

      const response = await t.http().post('/api/v1/auth/logout-all').set(bearer(second.accessToken));

      expect(response.status).toBe(204);
      for (const tokens of [user, second, third]) await expectDead(t, tokens);
      const live = await t.sql('SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL', [user.id]);
      expect(live).toHaveLength(0);
      await expectAlive(t, stranger);
    });

    it('lists the caller\'s live sessions, most recently used first, with the current one marked', async () => {
      const user = await registerUser(t);
      const phone = await login(t, user, 'phone');
      const laptop = await login(t, user, 'laptop');
      const ended = await login(t, user, 'ended');
      await t.http().post('/api/v1/auth/logout').set(bearer(ended.accessToken));
      await registerUser(t);

      const response = await t.http().get('/api/v1/auth/sessions').set(bearer(phone.accessToken));

      expect(response.status).toBe(200);
      expect(response.body.map((session: { id: string }) => session.id)).toEqual([sessionIdOf(laptop.accessToken), sessionIdOf(phone.accessToken), sessionIdOf(user.accessToken)]);
      const current = response.body[1];
      expect(current).toEqual({
        id: sessionIdOf(phone.accessToken),
        createdAt: expect.stringMatching(ISO_DATE),
        lastUsedAt: expect.stringMatching(ISO_DATE),
        expiresAt: expect.stringMatching(ISO_DATE),
        userAgent: 'phone',
        ip: expect.any(String),
        current: true,
      });
      expect(response.body.filter((session: { current: boolean }) => session.current)).toHaveLength(1);
      expect(Date.parse(current.expiresAt) - Date.parse(current.lastUsedAt)).toBe(7 * 86400 * 1000);
    });

    it('DELETE /auth/sessions/{id} ends that one session at once and leaves the caller\'s alive', async () => {
      const user = await registerUser(t);
      const other = await login(t, user);

      const response = await t.http().delete(`/api/v1/auth/sessions/${sessionIdOf(other.accessToken)}`).set(bearer(user.accessToken));

      expect(response.status).toBe(204);
      await expectDead(t, other);
      expect((await sessionRow(t, sessionIdOf(other.accessToken)))?.revoked_reason).toBe('revoked_by_user');
      await expectAlive(t, user);
      const list = await t.http().get('/api/v1/auth/sessions').set(bearer(user.accessToken));
      expect(list.body.map((session: { id: string }) => session.id)).toEqual([sessionIdOf(user.accessToken)]);
    });

    it('DELETE /auth/sessions/{id} on the caller\'s own session logs it out', async () => {
      const user = await registerUser(t);

      const response = await t.http().delete(`/api/v1/auth/sessions/${sessionIdOf(user.accessToken)}`).set(bearer(user.accessToken));

      expect(response.status).toBe(204);
      await expectDead(t, user);
    });

    it('DELETE /auth/sessions/{id} answers the same 404 for another user\'s, an unknown, a malformed and an ended session', async () => {
      const user = await registerUser(t);
      const stranger = await registerUser(t);
      const ended = await login(t, user);
      await t.http().post('/api/v1/auth/logout').set(bearer(ended.accessToken));

      const ids = [sessionIdOf(stranger.accessToken), '00000000-0000-4000-8000-000000000000', 'not-a-uuid', sessionIdOf(ended.accessToken)];
      const responses = await Promise.all(ids.map((id) => t.http().delete(`/api/v1/auth/sessions/${id}`).set(bearer(user.accessToken))));

      for (const response of responses) expectProblem(response, 404);
      const details = new Set(responses.map((response) => response.body.detail as string));
      expect(details.size).toBe(1);
      await expectAlive(t, stranger);
      expect((await sessionRow(t, sessionIdOf(stranger.accessToken)))?.revoked_at).toBeNull();
    });

    it('purges sessions that ended more than a day ago and keeps the rest', async () => {
      const expiredLongAgo = await registerUser(t);
      const revokedLongAgo = await registerUser(t);
      const revokedRecently = await registerUser(t);
      const live = await registerUser(t);
      await t.sql(`UPDATE sessions SET created_at = now() - interval '40 days', expires_at = now() - interval '2 days' WHERE user_id = $1`, [expiredLongAgo.id]);
      await t.sql(`UPDATE sessions SET revoked_at = now() - interval '2 days', revoked_reason = 'logout' WHERE user_id = $1`, [revokedLongAgo.id]);
      await t.http().post('/api/v1/auth/logout').set(bearer(revokedRecently.accessToken));

      const purged = await t.app.get(SessionsService).purgeExpired();

      expect(purged).toBeGreaterThanOrEqual(2);
      const remaining = await t.sql<{ user_id: string }>('SELECT user_id FROM sessions WHERE user_id = ANY($1::uuid[])', [
        [expiredLongAgo.id, revokedLongAgo.id, revokedRecently.id, live.id],
      ]);
      expect(remaining.map((row) => row.user_id).sort()).toEqual([revokedRecently.id, live.id].sort());
    });
  });

  describe('lifetime', () => {
    // Back-dated rows stand in for days passing (SESSION_IDLE_TTL 7d, SESSION_MAX_AGE 30d by default).
    const backDate = (sessionId: string, columns: string[], by: string) =>
      t.sql(`UPDATE sessions SET ${columns.map((column) => `${column} = ${column} - $2::interval`).join(', ')} WHERE id = $1`, [sessionId, by]);

    it('ends a session SESSION_IDLE_TTL after its last use and extends it on each refresh', async () => {
      const idle = await registerUser(t);
      const busy = await registerUser(t);
      const idleSession = sessionIdOf(idle.accessToken);
      const busySession = sessionIdOf(busy.accessToken);
      const created = await sessionRow(t, busySession);
      expect(created?.expires_at.getTime()).toBe((created?.created_at.getTime() ?? 0) + 7 * 86400_000);

      await backDate(idleSession, ['created_at', 'last_used_at', 'expires_at'], '7 days 1 second');
      await backDate(busySession, ['created_at', 'last_used_at', 'expires_at'], '6 days');
      const refreshed = await refresh(t, busy.refreshToken);

      expect(refreshed.status).toBe(200);
      const row = await sessionRow(t, busySession);
      expect(row?.expires_at.getTime()).toBe((row?.last_used_at.getTime() ?? 0) + 7 * 86400_000);
      await expectDead(t, idle);
      await expectAlive(t, refreshed.body);
    });

    it('ends a session at SESSION_MAX_AGE however recently it was refreshed', async () => {
      const user = await registerUser(t);
      const sessionId = sessionIdOf(user.accessToken);
      await backDate(sessionId, ['created_at'], '30 days');
      await backDate(sessionId, ['created_at'], '-1 hour');

      const lastRefresh = await refresh(t, user.refreshToken);

      expect(lastRefresh.status).toBe(200);
      const row = await sessionRow(t, sessionId);
      expect(row?.expires_at.getTime()).toBe((row?.created_at.getTime() ?? 0) + 30 * 86400_000);
      expect(lastRefresh.body.refreshExpiresIn).toBeLessThanOrEqual(3600);
      await backDate(sessionId, ['created_at', 'expires_at'], '1 hour 1 second');
      await expectDead(t, lastRefresh.body);
      expectProblem(await t.http().get('/api/v1/auth/sessions').set(bearer(lastRefresh.body.accessToken)), 401);
    });
  });
});
