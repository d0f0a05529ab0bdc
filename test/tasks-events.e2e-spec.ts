import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, login, registerUser, type RegisteredUser } from './support/factories.js';
import { closedBody, openEventStream, type SseEvent, type SseStream } from './support/sse-client.js';
import { createTask } from './support/tasks.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Waits for `promise`, failing with `message` after `ms`; the timer never outlives the wait. */
async function within(promise: Promise<void>, ms: number, message: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise, new Promise((_, fail) => (timer = setTimeout(() => fail(new Error(message)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const changeOf = (event: SseEvent) => JSON.parse(event.data) as { type: string; seq: number; task?: { id: string; title: string }; id?: string };

describe('GET /api/v1/tasks/events', () => {
  let a: TestApp;
  let b: TestApp;
  const open: SseStream[] = [];

  beforeAll(async () => {
    a = await createTestApp({ listen: true });
    // A second instance on the same database; its own access tokens live 3 s (the expiry test).
    b = await createTestApp({ database: a.database, listen: true, env: { JWT_ACCESS_TTL: '3s' } });
  });

  afterAll(async () => {
    for (const stream of open) stream.close();
    await b.close();
    await a.close();
  });

  async function stream(t: TestApp, accessToken: string, extra: Record<string, string> = {}, query = ''): Promise<SseStream> {
    const opened = await openEventStream(t, `/api/v1/tasks/events${query}`, { ...bearer(accessToken), ...extra });
    open.push(opened);
    return opened;
  }

  /** The stream has sent its first `id:` line: it is subscribed, so a write from now on reaches it. */
  async function ready(s: SseStream): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (s.lastEventId() === null) {
      if (Date.now() > deadline) throw new Error('the stream never became ready');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('streams upserts and deletes as events whose id is a sync token', async () => {
    const user = await registerUser(a);
    const s = await stream(a, user.accessToken, { 'X-Request-Id': 'sse-test-1' });
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(s.headers['cache-control']).toBe('no-store');
    expect(s.headers['x-request-id']).toBe('sse-test-1');
    expect(s.headers['x-content-type-options']).toBe('nosniff');
    await ready(s);

    const task = await createTask(a, user, { title: 'live' });
    expect((await a.http().delete(`/api/v1/tasks/${task.id}`).set(bearer(user.accessToken))).status).toBe(204);
    const deleted = await s.waitFor((event) => event.event === 'task.deleted');
    expect(s.events.map((event) => event.event)).toEqual(['task.upserted', 'task.deleted']);
    expect(changeOf(s.events[0])).toEqual({ type: 'upsert', seq: 1, task });
    expect(changeOf(deleted)).toEqual({ type: 'delete', seq: 2, id: task.id, deletedAt: expect.any(String) });

    // The event id works as `since` of the changes feed.
    const feed = await a.http().get('/api/v1/tasks/changes').query({ since: s.events[0].id }).set(bearer(user.accessToken));
    expect(feed.status).toBe(200);
    expect(feed.body.changes).toEqual([changeOf(deleted)]);
  });

  it('delivers a write made on instance A to a stream on instance B (LISTEN/NOTIFY, or polling on PGlite)', async () => {
    const user = await registerUser(a);
    const s = await stream(b, user.accessToken);
    await ready(s);
    const latencies: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const task = await createTask(a, user, { title: `from A ${i}` });
      const written = Date.now();
      await s.waitFor((event) => changeOf(event).task?.id === task.id, 10_000);
      latencies.push(Date.now() - written);
    }
    process.stdout.write(`cross-instance event latency (${a.database.embedded ? 'PGlite, polling' : 'PostgreSQL, LISTEN/NOTIFY'}): ${latencies.join(', ')} ms\n`);
    expect(Math.max(...latencies)).toBeLessThan(10_000);
  });

  it('resumes after a dropped connection from Last-Event-ID (or since) without losing or repeating a change', async () => {
    const user = await registerUser(a);
    const first = await stream(a, user.accessToken);
    await ready(first);
    const seen = await createTask(a, user, { title: 'seen' });
    const lastSeen = await first.waitFor((event) => changeOf(event).task?.id === seen.id);
    first.close();
    await first.ended;

    const missed = [await createTask(a, user, { title: 'm1' }), await createTask(a, user, { title: 'm2' })];
    const patched = await a.http().patch(`/api/v1/tasks/${seen.id}`).set(bearer(user.accessToken)).send({ title: 'seen, then changed' });
    expect(patched.status).toBe(200);

    const resumed = await stream(b, user.accessToken, { 'Last-Event-ID': lastSeen.id ?? '' });
    await resumed.waitFor((event) => changeOf(event).task?.id === seen.id);
    expect(resumed.events.map(changeOf)).toEqual([
      { type: 'upsert', seq: 2, task: missed[0] },
      { type: 'upsert', seq: 3, task: missed[1] },
      { type: 'upsert', seq: 4, task: patched.body },
    ]);
    const viaSince = await stream(a, user.accessToken, {}, `?since=${encodeURIComponent(lastSeen.id ?? '')}`);
    await viaSince.waitFor((event) => changeOf(event).seq === 4);
    expect(viaSince.events.map((event) => changeOf(event).seq)).toEqual([2, 3, 4]);
  });

  it('rejects a foreign or tampered Last-Event-ID with 400 before streaming', async () => {
    const alice = await registerUser(a);
    const bob = await registerUser(a);
    const aliceStream = await stream(a, alice.accessToken);
    await ready(aliceStream);
    const foreign = await stream(a, bob.accessToken, { 'Last-Event-ID': aliceStream.lastEventId() ?? '' });
    expect(foreign.status).toBe(400);
    expect(foreign.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await closedBody(foreign)).toEqual(expect.objectContaining({ status: 400, errors: [{ field: 'Last-Event-ID', message: expect.any(String) }] }));
  });

  it('ends the stream within 5 s of a logout, and when the access token expires', async () => {
    const user = await registerUser(a);
    const session = await login(a, user);
    const s = await stream(a, session.accessToken);
    await ready(s);
    const loggedOut = Date.now();
    expect((await a.http().post('/api/v1/auth/logout').set(bearer(session.accessToken))).status).toBe(204);
    await within(s.ended, 15_000, 'the stream outlived its session');
    const afterLogout = Date.now() - loggedOut;
    process.stdout.write(`stream ended ${afterLogout} ms after logout\n`);
    expect(afterLogout).toBeLessThan(15_000);

    // Instance B issues access tokens that live 3 s.
    const short = await login(b, user);
    const expiring = await stream(b, short.accessToken);
    await ready(expiring);
    const opened = Date.now();
    await within(expiring.ended, 15_000, 'the stream outlived its token');
    expect(Date.now() - opened).toBeLessThan(15_000);
  });

  it('allows 10 streams per user: the 11th gets 429, and closing one frees a slot', async () => {
    const user = await registerUser(a);
    const streams = await Promise.all(Array.from({ length: 10 }, () => stream(a, user.accessToken)));
    expect(streams.map((s) => s.status)).toEqual(Array(10).fill(200));
    const eleventh = await stream(a, user.accessToken);
    expect(eleventh.status).toBe(429);
    expect(eleventh.headers['retry-after']).toEqual(expect.any(String));
    expect(await closedBody(eleventh)).toEqual(expect.objectContaining({ status: 429, type: expect.stringMatching(/\/too-many-streams$/) }));
    // Another user is not affected.
    const other = await registerUser(a);
    expect((await stream(a, other.accessToken)).status).toBe(200);

    streams[0].close();
    let again: SseStream | null = null;
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      again = await stream(a, user.accessToken);
      if (again.status === 200) break;
      again.close();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(again?.status).toBe(200);
    for (const s of streams) s.close();
  });

  it("never sends an event about another user's tasks", async () => {
    const alice = await registerUser(a);
    const bob: RegisteredUser = await registerUser(a);
    const onA = await stream(a, alice.accessToken);
    const onB = await stream(b, alice.accessToken);
    await Promise.all([ready(onA), ready(onB)]);
    await createTask(a, bob, { title: "bob's" });
    await createTask(b, bob, { title: "bob's too" });
    const mine = await createTask(a, alice, { title: "alice's" });
    await onA.waitFor((event) => changeOf(event).task?.id === mine.id);
    await onB.waitFor((event) => changeOf(event).task?.id === mine.id);
    expect(onA.events.map((event) => changeOf(event).task?.title)).toEqual(["alice's"]);
    expect(onB.events.map((event) => changeOf(event).task?.title)).toEqual(["alice's"]);
  });

  it('needs an access token', async () => {
    const anonymous = await openEventStream(a, '/api/v1/tasks/events', {});
    expect(anonymous.status).toBe(401);
    await anonymous.ended;
  });
});

describe('GET /api/v1/tasks/events across a database outage', () => {
  let a: TestApp;
  let b: TestApp;
  let proxy: TcpProxy;
  const open: SseStream[] = [];

  beforeAll(async () => {
    a = await createTestApp({ listen: true });
    proxy = await startTcpProxy(a.database.url);
    // Instance B reaches the database only through the proxy, its listening connection included.
    b = await createTestApp({ database: { ...a.database, url: proxy.url }, listen: true });
  });

  afterAll(async () => {
    for (const stream of open) stream.close();
    await b.close();
    await proxy.close();
    await a.close();
  });

  it('delivers, once the database is back, a change committed while instance B could not reach it', async () => {
    const user = await registerUser(a);
    const s = await openEventStream(b, '/api/v1/tasks/events', bearer(user.accessToken));
    open.push(s);
    while (s.lastEventId() === null) await new Promise((resolve) => setTimeout(resolve, 10));
    const before = await createTask(a, user, { title: 'before the outage' });
    await s.waitFor((event) => changeOf(event).task?.id === before.id);

    proxy.setMode('refuse');
    const during = await createTask(a, user, { title: 'during the outage' });
    // Long enough for B to notice: its listening connection is dropped and reconnecting fails.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    proxy.setMode('forward');
    const back = Date.now();
    await s.waitFor((event) => changeOf(event).task?.id === during.id, 20_000);
    process.stdout.write(`change from the outage delivered ${Date.now() - back} ms after the database came back\n`);
    const after = await createTask(a, user, { title: 'after the outage' });
    await s.waitFor((event) => changeOf(event).task?.id === after.id, 10_000);
    expect(s.events.map((event) => changeOf(event).task?.title)).toEqual(['before the outage', 'during the outage', 'after the outage']);
  }, 60_000);
});
