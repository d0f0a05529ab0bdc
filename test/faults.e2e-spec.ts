import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { type BuiltServer, ensureBuilt, freePort, startBuiltServer } from './support/built-server.js';
import { bearer, expectProblem, GOOD_PASSWORD, registerUser, uniqueEmail } from './support/factories.js';
import { eventually, itOnPostgres } from './support/eventually.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';

/** Outages are answered within the pool's 3 s connect timeout; a hang is anything past NO_HANG_MS, on a loaded machine too. */
const NO_HANG_MS = 10_000;

/** What a client sees within a bound: the response, and how long it took. */
async function timed<T>(call: () => PromiseLike<T>): Promise<{ response: T; ms: number }> {
  const started = performance.now();
  const response = await call();
  return { response, ms: performance.now() - started };
}

describe('faults: the database goes away and comes back', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestApp;
  let direct: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    proxy = await startTcpProxy(database.url);
    direct = new pg.Pool({ connectionString: database.url, max: 1 });
    // The app reaches the database only through the proxy; assertions go around it.
    t = await createTestApp({ database: { ...database, url: proxy.url } });
  });

  afterAll(async () => {
    await t.close();
    await proxy.close();
    await direct.end();
    await database.drop();
  });

  const usersNamed = async (email: string) => (await direct.query('SELECT id FROM users WHERE email = $1', [email])).rows;

  itOnPostgres('answers API calls and readiness with 503 problem+json and Retry-After while the database refuses connections', async () => {
    const user = await registerUser(t);
    proxy.setMode('refuse');
    try {
      const me = await timed(() => t.http().get('/api/v1/users/me').set(bearer(user.accessToken)));
      const email = uniqueEmail('outage');
      const register = await timed(() => t.http().post('/api/v1/auth/register').send({ email, password: GOOD_PASSWORD }));
      const ready = await timed(() => t.http().get('/health/ready'));

      expectProblem(me.response, 503);
      expect(me.response.headers['retry-after']).toMatch(/^\d+$/);
      expect(me.ms).toBeLessThan(NO_HANG_MS);
      expectProblem(register.response, 503);
      expect(register.ms).toBeLessThan(NO_HANG_MS);
      expect(ready.response.status).toBe(503);
      expect(ready.ms).toBeLessThan(NO_HANG_MS);
      expect(await usersNamed(email)).toHaveLength(0);
    } finally {
      proxy.setMode('forward');
    }
  });

  itOnPostgres('answers 503 within the connect timeout while the database does not answer at all', async () => {
    const user = await registerUser(t);
    proxy.setMode('blackhole');
    try {
      const [me, ready] = await Promise.all([
        timed(() => t.http().get('/api/v1/users/me').set(bearer(user.accessToken))),
        timed(() => t.http().get('/health/ready')),
      ]);

      expectProblem(me.response, 503);
      expect(me.response.headers['retry-after']).toMatch(/^\d+$/);
      expect(me.ms).toBeLessThan(NO_HANG_MS);
      expect(ready.response.status).toBe(503);
      expect(ready.ms).toBeLessThan(NO_HANG_MS);
    } finally {
      proxy.setMode('forward');
    }
  });

  itOnPostgres('serves again as soon as the database is back, without a restart', async () => {
    const user = await registerUser(t);
    proxy.setMode('refuse');
    const during = await t.http().get('/api/v1/users/me').set(bearer(user.accessToken));
    proxy.setMode('forward');

    const after = await t.http().get('/api/v1/users/me').set(bearer(user.accessToken));
    const ready = await t.http().get('/health/ready');

    expect(during.status).toBe(503);
    expect(after.status).toBe(200);
    expect(after.body.id).toBe(user.id);
    expect(ready.status).toBe(200);
  });

  itOnPostgres('leaves nothing half-written when the connection dies before COMMIT', async () => {
    const email = uniqueEmail('half');
    proxy.cutOnClientData((chunk) => chunk.includes('COMMIT'));

    const response = await t.http().post('/api/v1/auth/register').send({ email, password: GOOD_PASSWORD });

    expectProblem(response, 503);
    expect(await usersNamed(email)).toHaveLength(0);
    const retry = await t.http().post('/api/v1/auth/register').send({ email, password: GOOD_PASSWORD });
    expect(retry.status).toBe(201);
    expect(await usersNamed(email)).toHaveLength(1);
  });
});

describe('faults: SIGTERM', () => {
  let database: TestDatabase;
  let server: BuiltServer;
  let direct: pg.Pool;

  beforeAll(async () => {
    ensureBuilt();
    database = await createTestDatabase();
    direct = new pg.Pool({ connectionString: database.url, max: 1 });
    // Cost 10 (~0.1 s a hash, two threads) keeps a batch of registrations in flight for half a second.
    server = await startBuiltServer({ DATABASE_URL: database.url, DATABASE_POOL_SIZE: String(database.poolSize), BCRYPT_COST: '10', PASSWORD_HASH_THREADS: '2' });
  });

  afterAll(async () => {
    await server.dispose();
    await direct.end();
    await database.drop();
  });

  it('finishes the requests in flight, stops accepting, closes the pool and exits 0', async () => {
    const register = (email: string) =>
      fetch(`${server.baseUrl}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ email, password: GOOD_PASSWORD }),
      }).then(
        (response) => response.status,
        () => 'connection failed' as const,
      );
    const emails = Array.from({ length: 10 }, () => uniqueEmail('drain'));
    let firstAnswered: () => void = () => undefined;
    const firstAnswer = new Promise<void>((resolve) => (firstAnswered = resolve));
    const inFlight = emails.map((email) => register(email).finally(() => firstAnswered()));

    await firstAnswer;
    server.child.kill('SIGTERM');
    // The signal that draining has begun is what a load balancer sees: readiness stops answering 200.
    const ready = () => fetch(`${server.baseUrl}/health/ready`).then((response) => response.status === 200, () => false);
    await eventually(async () => !(await ready()), 15_000);
    const late = await register(uniqueEmail('late'));
    const statuses = await Promise.all(inFlight);
    const exit = await server.exited;

    expect(statuses).toEqual(emails.map(() => 201));
    expect([503, 'connection failed']).toContain(late);
    // Exit code 0, not 1: it finished before SHUTDOWN_TIMEOUT forced it out.
    expect(exit).toEqual({ code: 0, signal: null });
    // No error logged, except the readiness probes above answering 503 while draining (they should).
    const errors = server.output().split('\n').filter((line) => /"level":(50|60)/.test(line) && !line.includes('"url":"/health/ready"'));
    expect(errors).toEqual([]);
    const { rows } = await direct.query<{ email: string }>('SELECT email FROM users WHERE email = ANY($1)', [emails]);
    expect(rows.map((row) => row.email).sort()).toEqual([...emails].sort());
  });
});

describe('faults: Redis down with REDIS_URL set', () => {
  let t: TestApp;

  beforeAll(async () => {
    // Nothing listens there: every rate-limit lookup fails at once.
    t = await createTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}`, RATE_LIMIT_PER_MIN: '2' } });
  });

  afterAll(async () => {
    await t.close();
  });

  it('starts and serves the API, with rate limiting failing open', async () => {
    const user = await registerUser(t);

    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.http().get('/api/v1/users/me').set(bearer(user.accessToken))).status);

    expect(statuses).toEqual([200, 200, 200, 200]);
  });
});
