import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SecurityEventsService } from '../src/security-events/security-events.service.js';
import { CapturedLog } from './support/captured-log.js';
import { eventually } from './support/eventually.js';
import { bearer, expectProblem, GOOD_PASSWORD, login, registerUser, type RegisteredUser, uniqueEmail } from './support/factories.js';
import { SmtpSink, tokenFromMail } from './support/smtp-sink.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { refresh, sessionIdOf } from './support/tokens.js';

// jest ignores testTimeout inside `projects`; starting apps on a busy 2-core machine can take more than the default 5 s.
jest.setTimeout(30_000);

const NEW_PASSWORD = 'amber-falcon-meadow-58';

interface EventRow extends Record<string, unknown> {
  id: string;
  user_id: string | null;
  type: string;
  reason: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  detail: Record<string, unknown> | null;
}

interface ActivityEvent {
  id: string;
  type: string;
  reason: string | null;
  ip: string | null;
  userAgent: string | null;
  sessionId: string | null;
  createdAt: string;
}

const requestId = (label: string) => `${label}-${randomBytes(6).toString('hex')}`;

describe('security events: recorded, logged, and shown to their user', () => {
  const logs = new CapturedLog();
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createTestApp({
      env: { LOG_LEVEL: 'info', SMTP_URL: sink.url, MAIL_POLL_INTERVAL: '100ms', MAIL_PER_ADDRESS_PER_HOUR: '50', REFRESH_REUSE_GRACE: '0' },
      logTo: logs.stream,
    });
  });

  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  /** Recording is not awaited by the request: wait for the row the request left. */
  async function eventOf(id: string): Promise<EventRow> {
    return eventually(async () => (await t.sql<EventRow>('SELECT * FROM security_events WHERE request_id = $1', [id]))[0]);
  }

  function logLineOf(id: string, event: string): Record<string, unknown> {
    const line = logs.json().find((entry) => entry.requestId === id && entry.event === event);
    if (!line) throw new Error(`no ${event} log line for request ${id}`);
    return line;
  }

  const hmacOf = (email: string) => createHmac('sha256', t.config.securityEvents.hmacSecret).update(email).digest('hex');

  const loginAs = (email: string, password: string, id: string) =>
    t.http().post('/api/v1/auth/login').set('X-Request-Id', id).set('User-Agent', 'events-test/1.0').send({ email, password });

  const activity = (token: string, query = '') => t.http().get(`/api/v1/users/me/security-events${query}`).set(bearer(token));

  describe('failed and successful logins', () => {
    it('records a login with an unknown email as a row and a log line with the request id, keeping only an HMAC of the email', async () => {
      const email = uniqueEmail('nobody');
      const password = `secret-${randomBytes(8).toString('hex')}`;
      const id = requestId('unknown');

      const response = await loginAs(email, password, id);

      expectProblem(response, 401);
      const row = await eventOf(id);
      expect(row).toEqual({
        id: expect.any(String),
        user_id: null,
        type: 'login.failed',
        reason: 'unknown_account',
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        user_agent: 'events-test/1.0',
        request_id: id,
        detail: { emailHmac: hmacOf(email) },
        created_at: expect.any(Date),
      });
      expect(logLineOf(id, 'login.failed')).toEqual(
        expect.objectContaining({ level: 40, event: 'login.failed', reason: 'unknown_account', requestId: id, userId: null, ip: row.ip, msg: 'security event' }),
      );
      const everything = [JSON.stringify(row), ...logs.forRequest(id)].join('\n');
      expect(everything).not.toContain(email);
      expect(everything).not.toContain(email.split('@')[0]);
      expect(everything).not.toContain(password);
      expect(logs.forRequest(id).join('\n')).not.toContain(hmacOf(email));
    });

    it('counts repeated attempts on one unknown address under one HMAC, and different addresses under different ones', async () => {
      const email = uniqueEmail('stuffed');
      const ids = [requestId('stuff-a'), requestId('stuff-b'), requestId('stuff-c')];
      for (const [index, id] of ids.entries()) {
        expectProblem(await loginAs(index < 2 ? email : uniqueEmail('other'), 'whatever-password', id), 401);
      }

      const [first, second, third] = await Promise.all(ids.map((id) => eventOf(id)));
      expect(first.detail).toEqual({ emailHmac: hmacOf(email) });
      expect(second.detail).toEqual(first.detail);
      expect(third.detail).not.toEqual(first.detail);
      const [{ count }] = await t.sql<{ count: string }>(`SELECT count(*) FROM security_events WHERE detail->>'emailHmac' = $1`, [hmacOf(email)]);
      expect(count).toBe('2');
    });

    it('records a wrong password against the account, with its user id in the row and the log line, never the password', async () => {
      const user = await registerUser(t);
      const wrong = `wrong-${randomBytes(8).toString('hex')}`;
      const id = requestId('wrong');

      expectProblem(await loginAs(user.email, wrong, id), 401);

      const row = await eventOf(id);
      expect(row).toEqual(expect.objectContaining({ user_id: user.id, type: 'login.failed', reason: 'wrong_password', request_id: id, detail: null }));
      expect(logLineOf(id, 'login.failed')).toEqual(expect.objectContaining({ event: 'login.failed', reason: 'wrong_password', requestId: id, userId: user.id, ip: row.ip }));
      const everything = [JSON.stringify(row), ...logs.forRequest(id)].join('\n');
      expect(everything).not.toContain(wrong);
      expect(everything).not.toContain(user.email);
    });

    it('records a successful login with its session, and logs it at info level', async () => {
      const user = await registerUser(t);
      const id = requestId('ok');

      const response = await loginAs(user.email, user.password, id);

      expect(response.status).toBe(200);
      const sessionId = sessionIdOf(response.body.accessToken);
      const row = await eventOf(id);
      expect(row).toEqual(expect.objectContaining({ user_id: user.id, type: 'login.succeeded', reason: null, request_id: id, detail: { sessionId } }));
      expect(logLineOf(id, 'login.succeeded')).toEqual(
        expect.objectContaining({ level: 30, event: 'login.succeeded', requestId: id, userId: user.id, ip: row.ip, sessionId }),
      );
      expect(logs.forRequest(id).join('\n')).not.toContain(user.password);
    });
  });

  describe('GET /users/me/security-events', () => {
    let alice: RegisteredUser;
    let bob: RegisteredUser;
    let aliceEvents: ActivityEvent[];
    let revokedSessionId: string;

    /** Runs one step with its own request id and waits for the event it leaves. */
    async function step(send: (id: string) => Promise<{ status: number }>, status: number): Promise<EventRow> {
      const id = requestId('step');
      expect((await send(id)).status).toBe(status);
      return eventOf(id);
    }

    /** Events are recorded after the answer is sent: wait for a login's row before the next step, so the order is the order of the steps. */
    async function loggedIn(session: { accessToken: string }): Promise<void> {
      const sessionId = sessionIdOf(session.accessToken);
      await eventually(async () => (await t.sql(`SELECT 1 FROM security_events WHERE type = 'login.succeeded' AND detail->>'sessionId' = $1`, [sessionId])).length > 0);
    }

    beforeAll(async () => {
      const aliceEmail = uniqueEmail('alice');
      await step((id) => t.http().post('/api/v1/auth/register').set('X-Request-Id', id).send({ email: aliceEmail, password: GOOD_PASSWORD }), 201);
      const first = await login(t, { email: aliceEmail, password: GOOD_PASSWORD });
      await loggedIn(first);
      alice = { id: '', email: aliceEmail, password: GOOD_PASSWORD, ...first };
      await step((id) => loginAs(aliceEmail, 'not-her-password-1', id), 401);
      await step(
        (id) => t.http().post('/api/v1/users/me/password').set('X-Request-Id', id).set(bearer(first.accessToken)).send({ currentPassword: GOOD_PASSWORD, newPassword: NEW_PASSWORD }),
        204,
      );
      const phone = await login(t, { email: aliceEmail, password: NEW_PASSWORD }, 'phone/2.0');
      await loggedIn(phone);
      revokedSessionId = sessionIdOf(phone.accessToken);
      await step((id) => t.http().delete(`/api/v1/auth/sessions/${revokedSessionId}`).set('X-Request-Id', id).set('User-Agent', 'laptop/3.0').set(bearer(first.accessToken)), 204);

      // Someone else's events, and attempts on an address nobody has, all around hers.
      bob = await registerUser(t);
      await step((id) => loginAs(bob.email, 'not-his-password-2', id), 401);
      await step((id) => loginAs(uniqueEmail('ghost'), 'whatever-password', id), 401);
      await step((id) => t.http().get('/api/v1/users/me').set('X-Request-Id', id).set(bearer('not.a.token')), 401);

      const me = await t.http().get('/api/v1/users/me').set(bearer(first.accessToken));
      alice.id = me.body.id;
      // The two logins through `login()` carry no request id of ours: wait for her sixth event.
      const response = await eventually(async () => {
        const page = await activity(first.accessToken, '?limit=100');
        return page.body.data.length >= 6 ? page : null;
      });
      expect(response.status).toBe(200);
      aliceEvents = response.body.data;
    });

    it('shows a user their own logins, failures against their account, the password change and the revoked session, newest first', () => {
      expect(aliceEvents.map((event) => [event.type, event.reason])).toEqual([
        ['session.revoked', null],
        ['login.succeeded', null],
        ['password.changed', null],
        ['login.failed', 'wrong_password'],
        ['login.succeeded', null],
        ['register', null],
      ]);
      expect(aliceEvents[0]).toEqual({
        id: expect.stringMatching(/^\d+$/),
        type: 'session.revoked',
        reason: null,
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        userAgent: 'laptop/3.0',
        sessionId: revokedSessionId,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      expect(aliceEvents[1]).toEqual(expect.objectContaining({ type: 'login.succeeded', userAgent: 'phone/2.0', sessionId: revokedSessionId }));
      expect(aliceEvents[3]).toEqual(expect.objectContaining({ userAgent: 'events-test/1.0', sessionId: null }));
      const ids = aliceEvents.map((event) => Number(event.id));
      expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    });

    it("never shows another user's events or an attempt on an unknown address", async () => {
      const rows = await t.sql<{ id: string }>('SELECT id FROM security_events WHERE user_id IS DISTINCT FROM $1', [alice.id]);
      const foreign = new Set(rows.map((row) => row.id));
      expect(foreign.size).toBeGreaterThan(0);
      expect(aliceEvents.filter((event) => foreign.has(event.id))).toEqual([]);

      const bobs = await eventually(async () => {
        const page = await activity(bob.accessToken);
        return page.body.data.length >= 2 ? page.body.data : null;
      });
      expect(bobs.map((event: ActivityEvent) => [event.type, event.reason])).toEqual([
        ['login.failed', 'wrong_password'],
        ['register', null],
      ]);
    });

    it('pages by an opaque cursor until nextCursor is null, and the pages add up to the whole list', async () => {
      const seen: ActivityEvent[] = [];
      let query = '?limit=4';
      for (;;) {
        const page = await activity(alice.accessToken, query);
        expect(page.status).toBe(200);
        expect(page.body.meta.limit).toBe(4);
        seen.push(...page.body.data);
        if (page.body.meta.nextCursor === null) break;
        expect(page.body.meta.nextCursor).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]+$/));
        query = `?limit=4&cursor=${page.body.meta.nextCursor}`;
      }
      expect(seen).toEqual(aliceEvents);
    });

    it('answers 400 for a tampered cursor or a limit out of range, and 401 without a token', async () => {
      expectProblem(await activity(alice.accessToken, `?cursor=${Buffer.from('se1:12x').toString('base64url')}`), 400);
      expectProblem(await activity(alice.accessToken, '?cursor=bm9wZQ'), 400);
      expectProblem(await activity(alice.accessToken, '?limit=0'), 400);
      expectProblem(await activity(alice.accessToken, '?limit=101'), 400);
      expectProblem(await activity(alice.accessToken, '?limit=5&limit=6'), 400);
      expectProblem(await t.http().get('/api/v1/users/me/security-events'), 401);
    });

    it('hides events older than 90 days, and the purge deletes them', async () => {
      const user = await registerUser(t);
      await eventually(async () => (await t.sql('SELECT 1 FROM security_events WHERE user_id = $1', [user.id])).length > 0);
      const [{ id: oldId }] = await t.sql<{ id: string }>(
        `INSERT INTO security_events (user_id, type, created_at) VALUES ($1, 'login.succeeded', now() - interval '91 days') RETURNING id`,
        [user.id],
      );

      const page = await activity(user.accessToken);
      expect(page.body.data.map((event: ActivityEvent) => event.type)).toEqual(['register']);

      await t.app.get(SecurityEventsService).purgeExpired();
      expect(await t.sql('SELECT id FROM security_events WHERE id = $1', [oldId])).toEqual([]);
      expect(await t.sql('SELECT id FROM security_events WHERE user_id = $1', [user.id])).toHaveLength(1);
    });
  });

  describe('the other events', () => {
    it('records logout and logout-all with the session', async () => {
      const user = await registerUser(t);
      const second = await login(t, user);
      const id = requestId('logout');
      expect((await t.http().post('/api/v1/auth/logout').set('X-Request-Id', id).set(bearer(user.accessToken))).status).toBe(204);
      expect(await eventOf(id)).toEqual(expect.objectContaining({ user_id: user.id, type: 'logout', reason: null, detail: { sessionId: sessionIdOf(user.accessToken) } }));

      const allId = requestId('logout-all');
      expect((await t.http().post('/api/v1/auth/logout-all').set('X-Request-Id', allId).set(bearer(second.accessToken))).status).toBe(204);
      expect(await eventOf(allId)).toEqual(expect.objectContaining({ user_id: user.id, type: 'logout', reason: 'all' }));
    });

    it('records a reused refresh token against its user, and logs it as a warning', async () => {
      const user = await registerUser(t);
      expect((await refresh(t, user.refreshToken)).status).toBe(200);
      const id = requestId('reuse');

      const response = await t.http().post('/api/v1/auth/refresh').set('X-Request-Id', id).send({ refreshToken: user.refreshToken });

      expectProblem(response, 401);
      const row = await eventOf(id);
      expect(row).toEqual(expect.objectContaining({ user_id: user.id, type: 'refresh.reuse_detected', detail: { sessionId: sessionIdOf(user.accessToken) } }));
      expect(logLineOf(id, 'refresh.reuse_detected')).toEqual(expect.objectContaining({ level: 40, userId: user.id, requestId: id }));
      expect(logs.forRequest(id).join('\n')).not.toContain(user.refreshToken);
    });

    it.each([
      ['missing', undefined],
      ['invalid', 'Bearer not.a.jwt'],
    ])('records a rejected access token (%s) with no user and without the token', async (reason, authorization) => {
      const id = requestId(`token-${reason}`);
      const call = t.http().get('/api/v1/tasks').set('X-Request-Id', id);
      expectProblem(await (authorization ? call.set('Authorization', authorization) : call), 401);

      expect(await eventOf(id)).toEqual(expect.objectContaining({ user_id: null, type: 'token.rejected', reason, detail: { tokenType: 'access' } }));
      expect(logs.forRequest(id).join('\n')).not.toContain('not.a.jwt');
    });

    it('records a token whose session has ended as session_ended', async () => {
      const user = await registerUser(t);
      await t.http().post('/api/v1/auth/logout').set(bearer(user.accessToken));
      const id = requestId('ended');
      expectProblem(await t.http().get('/api/v1/tasks').set('X-Request-Id', id).set(bearer(user.accessToken)), 401);
      expect(await eventOf(id)).toEqual(expect.objectContaining({ user_id: null, type: 'token.rejected', reason: 'session_ended' }));
    });

    it('records a reset request (known and unknown address), the reset and the email verification', async () => {
      const user = await registerUser(t);
      const unknown = uniqueEmail('lost');
      const unknownId = requestId('forgot-unknown');
      expect((await t.http().post('/api/v1/auth/password/forgot').set('X-Request-Id', unknownId).send({ email: unknown })).status).toBe(202);
      expect(await eventOf(unknownId)).toEqual(expect.objectContaining({ user_id: null, type: 'password.reset_requested', detail: { emailHmac: hmacOf(unknown) } }));

      const verifyToken = tokenFromMail(await sink.waitForMail(user.email), 'verify-email');
      const forgotId = requestId('forgot');
      expect((await t.http().post('/api/v1/auth/password/forgot').set('X-Request-Id', forgotId).send({ email: user.email })).status).toBe(202);
      expect(await eventOf(forgotId)).toEqual(expect.objectContaining({ user_id: user.id, type: 'password.reset_requested', detail: null }));
      const resetToken = tokenFromMail(await sink.waitForMail(user.email, 2), 'reset-password');

      const resetId = requestId('reset');
      const reset = await t.http().post('/api/v1/auth/password/reset').set('X-Request-Id', resetId).send({ token: resetToken, newPassword: NEW_PASSWORD });
      expect(reset.status).toBe(204);
      expect(await eventOf(resetId)).toEqual(expect.objectContaining({ user_id: user.id, type: 'password.reset' }));

      const verifyId = requestId('verify');
      expect((await t.http().post('/api/v1/auth/email/verify').set('X-Request-Id', verifyId).send({ token: verifyToken })).status).toBe(204);
      expect(await eventOf(verifyId)).toEqual(expect.objectContaining({ user_id: user.id, type: 'email.verified' }));
      expect([...logs.forRequest(resetId), ...logs.forRequest(verifyId)].join('\n')).not.toMatch(new RegExp(`${resetToken}|${verifyToken}|${NEW_PASSWORD}`));
    });
  });

  it('records a correct password on an unverified account, when verification is required, as login.failed unverified', async () => {
    const strict = await createTestApp({ database: t.database, env: { REQUIRE_VERIFIED_EMAIL: 'true' } });
    try {
      const user = await registerUser(strict);
      const id = requestId('unverified');
      expectProblem(await strict.http().post('/api/v1/auth/login').set('X-Request-Id', id).send({ email: user.email, password: user.password }), 403);
      expect(await eventOf(id)).toEqual(expect.objectContaining({ user_id: user.id, type: 'login.failed', reason: 'unverified' }));
    } finally {
      await strict.close();
    }
  });

  it('logs a failed insert instead of throwing', async () => {
    const events = t.app.get(SecurityEventsService);
    // A user id that does not exist breaks the foreign key: the insert fails.
    expect(() => events.record({ type: 'logout', userId: randomUUID() })).not.toThrow();
    const failure = await eventually(async () => logs.json().find((line) => line.msg === 'could not record a security event' && line.event === 'logout'));
    expect(failure).toEqual(expect.objectContaining({ level: 50, event: 'logout' }));
  });
});
