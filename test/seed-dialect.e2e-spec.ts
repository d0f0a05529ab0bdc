import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, GOOD_PASSWORD, registerUser, uniqueEmail } from './support/factories.js';
import { SeedContract } from './support/seed-contract.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase, type TestDatabase } from './support/test-database.js';
import { ISO_DATE_TIME } from './support/tasks.js';

// The seed dialect (CONTRACT.md "The seed dialect"): every answer is checked against the seed app's own documents.
const SEED_TASK_KEYS = ['completed', 'completed_at', 'created_at', 'description', 'due_date', 'id', 'priority', 'title', 'updated_at', 'user_id'];
const SEED_AUTH_KEYS = ['access_token', 'expires_in', 'refresh_token', 'token_type', 'user'];

const contract = new SeedContract();

interface SeedUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

describe('seed dialect', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const seedRegister = async (): Promise<SeedUser> => {
    const email = uniqueEmail('seed');
    const response = await t.http().post('/api/auth/register').send({ email, password: GOOD_PASSWORD, name: 'Seed Frontend' });
    contract.expect(response, 'registerUser', 201);
    return { id: response.body.user.id, email, password: GOOD_PASSWORD, token: response.body.access_token };
  };
  const tasksOf = (user: { id: string }) => `/api/${user.id}/tasks`;
  const createSeedTask = async (user: SeedUser, body: Record<string, unknown>) => {
    const response = await t.http().post(tasksOf(user)).set(bearer(user.token)).send(body);
    contract.expect(response, 'createTask', 201);
    return response;
  };
  const row = async (id: string) => (await t.sql('SELECT title, description, completed, completed_at, version FROM tasks WHERE id = $1', [id]))[0];

  describe('the journey of a seed frontend', () => {
    it('registers, logs in, lists, creates, edits the title only, toggles, deletes and logs out, every answer valid against the seed documents', async () => {
      const email = uniqueEmail('journey');
      const registered = await t.http().post('/api/auth/register').send({ email, password: GOOD_PASSWORD, name: 'Ada' });
      contract.expect(registered, 'registerUser', 201);
      expect(Object.keys(registered.body).sort()).toEqual(SEED_AUTH_KEYS);
      expect(registered.body).toEqual(expect.objectContaining({ token_type: 'bearer', user: { id: expect.any(String), email }, expires_in: 900 }));
      const userId = registered.body.user.id as string;
      expect(await t.sql('SELECT email, name FROM users WHERE id = $1', [userId])).toEqual([{ email, name: 'Ada' }]);

      const login = await t.http().post('/api/auth/login').send({ email, password: GOOD_PASSWORD });
      contract.expect(login, 'loginUser', 200);
      expect(login.body.user).toEqual({ id: userId, email });
      expect(login.body.access_token).not.toBe(registered.body.access_token);
      const asUser = bearer(login.body.access_token);
      const base = `/api/${userId}/tasks`;

      const empty = await t.http().get(base).set(asUser);
      contract.expect(empty, 'listTasks', 200);
      expect(empty.body).toEqual([]);
      expect(empty.headers['x-total-count']).toBe('0');

      const created = await t.http().post(base).set(asUser).send({ title: ' Buy milk ', description: 'Two litres' });
      contract.expect(created, 'createTask', 201);
      const task = created.body;
      expect(Object.keys(task).sort()).toEqual(SEED_TASK_KEYS);
      expect(task).toEqual({
        id: expect.any(String),
        user_id: userId,
        title: 'Buy milk',
        description: 'Two litres',
        completed: false,
        priority: 'medium',
        due_date: null,
        completed_at: null,
        created_at: expect.stringMatching(ISO_DATE_TIME),
        updated_at: expect.stringMatching(ISO_DATE_TIME),
      });
      expect(created.headers.location).toBe(`${base}/${task.id}`);

      const listed = await t.http().get(base).set(asUser);
      contract.expect(listed, 'listTasks', 200);
      expect(listed.body).toEqual([task]);
      expect(listed.headers['x-total-count']).toBe('1');

      const done = await t.http().put(`${base}/${task.id}`).set(asUser).send({ completed: true });
      contract.expect(done, 'updateTask', 200);
      expect(done.body).toEqual(expect.objectContaining({ title: 'Buy milk', completed: true, completed_at: expect.stringMatching(ISO_DATE_TIME) }));

      const renamed = await t.http().put(`${base}/${task.id}`).set(asUser).send({ title: 'Buy oat milk' });
      contract.expect(renamed, 'updateTask', 200);
      expect(renamed.body).toEqual({ ...done.body, title: 'Buy oat milk', updated_at: expect.stringMatching(ISO_DATE_TIME) });
      expect(await row(task.id)).toEqual(expect.objectContaining({ title: 'Buy oat milk', description: 'Two litres', completed: true }));

      const read = await t.http().get(`${base}/${task.id}`).set(asUser);
      contract.expect(read, 'getTask', 200);
      expect(read.body).toEqual(renamed.body);

      const toggled = await t.http().patch(`${base}/${task.id}/complete`).set(asUser);
      contract.expect(toggled, 'toggleTaskCompletion', 200);
      expect(toggled.body).toEqual(expect.objectContaining({ title: 'Buy oat milk', completed: false, completed_at: null }));

      const deleted = await t.http().delete(`${base}/${task.id}`).set(asUser);
      contract.expect(deleted, 'deleteTask', 200);
      expect(deleted.body).toEqual({ message: 'Task deleted successfully' });
      expect(await t.sql('SELECT id FROM tasks WHERE id = $1', [task.id])).toEqual([]);
      contract.expect(await t.http().get(`${base}/${task.id}`).set(asUser), 'getTask', 404);
      contract.expect(await t.http().delete(`${base}/${task.id}`).set(asUser), 'deleteTask', 404);

      const logout = await t.http().post('/api/auth/logout').set(asUser);
      contract.expect(logout, 'logoutUser', 200);
      expect(logout.body).toEqual({ success: true, message: 'Logged out successfully' });
      contract.expect(await t.http().get(base).set(asUser), 'listTasks', 401);
      contract.expect(await t.http().post('/api/auth/logout').set(asUser), 'logoutUser', 401);
      // Only that session ended: the token from register still works.
      contract.expect(await t.http().get(base).set(bearer(registered.body.access_token)), 'listTasks', 200);
    });
  });

  describe('tasks', () => {
    let user: SeedUser;

    beforeAll(async () => {
      user = await seedRegister();
    });

    const as = () => bearer(user.token);

    it('lists at most the newest 1000 tasks, newest first, with X-Total-Count for the full number', async () => {
      const lister = await seedRegister();
      await t.sql(
        `INSERT INTO tasks (owner_id, title, created_at, updated_at)
         SELECT $1, 'Task ' || n, now() - n * interval '1 minute', now() - n * interval '1 minute' FROM generate_series(1, 1002) AS n`,
        [lister.id],
      );
      const response = await t.http().get(tasksOf(lister)).set(bearer(lister.token));
      contract.expect(response, 'listTasks', 200);
      expect(response.headers['x-total-count']).toBe('1002');
      const titles = (response.body as { title: string }[]).map((task) => task.title);
      expect(titles).toHaveLength(1000);
      expect(titles.slice(0, 3)).toEqual(['Task 1', 'Task 2', 'Task 3']);
      expect(titles[999]).toBe('Task 1000');
      expect(response.body.every((task: { user_id: string }) => task.user_id === lister.id)).toBe(true);
    });

    it('ignores query parameters on the list, as the seed app does', async () => {
      const lister = await seedRegister();
      await createSeedTask(lister, { title: 'Open' });
      const response = await t.http().get(`${tasksOf(lister)}?completed=true&limit=1&page=9&_=123`).set(bearer(lister.token));
      contract.expect(response, 'listTasks', 200);
      expect(response.body.map((task: { title: string }) => task.title)).toEqual(['Open']);
    });

    it('creates with title and description only: other properties, empty titles and descriptions over 1000 characters are 400', async () => {
      const ok = await createSeedTask(user, { title: 'Long note', description: 'd'.repeat(1000) });
      expect(ok.body.description).toHaveLength(1000);
      const withoutDescription = await createSeedTask(user, { title: 'No note' });
      expect(withoutDescription.body.description).toBeNull();

      const bodies: [Record<string, unknown>, string[]][] = [
        [{}, ['title']],
        [{ title: '   ' }, ['title']],
        [{ title: 'x'.repeat(201) }, ['title']],
        [{ title: 'Too long', description: 'd'.repeat(1001) }, ['description']],
        [{ title: 'Extra', completed: true }, ['completed']],
        [{ title: 'Extra', priority: 'high', user_id: randomUUID() }, ['priority', 'user_id']],
      ];
      for (const [body, fields] of bodies) {
        const response = await t.http().post(tasksOf(user)).set(as()).send(body);
        contract.expect(response, 'createTask', 400);
        expect({ body, fields: [...new Set(response.body.errors.map((error: { field: string }) => error.field))].sort() }).toEqual({ body, fields });
      }
      expect(await t.sql("SELECT id FROM tasks WHERE owner_id = $1 AND title IN ('Extra', 'Too long')", [user.id])).toEqual([]);
    });

    it('updates only the fields a PUT sends, clears the description with null, and refuses the rest', async () => {
      const { body: task } = await createSeedTask(user, { title: 'Partial', description: 'Keep me' });
      await t.http().patch(`/api/v1/tasks/${task.id}`).set(as()).send({ priority: 'high', dueDate: '2026-12-24T18:00:00Z', completed: true });

      const described = await t.http().put(`${tasksOf(user)}/${task.id}`).set(as()).send({ description: 'Changed' });
      contract.expect(described, 'updateTask', 200);
      expect(described.body).toEqual(
        expect.objectContaining({ title: 'Partial', description: 'Changed', completed: true, priority: 'high', due_date: '2026-12-24T18:00:00.000Z' }),
      );
      const cleared = await t.http().put(`${tasksOf(user)}/${task.id}`).set(as()).send({ description: null });
      contract.expect(cleared, 'updateTask', 200);
      expect(cleared.body).toEqual(expect.objectContaining({ title: 'Partial', description: null, completed: true }));
      const nothing = await t.http().put(`${tasksOf(user)}/${task.id}`).set(as()).send({});
      contract.expect(nothing, 'updateTask', 200);
      expect(nothing.body).toEqual({ ...cleared.body, updated_at: expect.stringMatching(ISO_DATE_TIME) });

      const before = await row(task.id);
      for (const body of [{ title: '' }, { title: null }, { completed: null }, { completed: 'yes' }, { description: 'd'.repeat(1001) }, { priority: 'low' }, { due_date: null }]) {
        const response = await t.http().put(`${tasksOf(user)}/${task.id}`).set(as()).send(body);
        contract.expect(response, 'updateTask', 400);
      }
      expect(await row(task.id)).toEqual(before);
    });

    it('reads back what is stored, even a description written through /api/v1 longer than the seed allows', async () => {
      const created = await t.http().post('/api/v1/tasks').set(as()).send({ title: 'Written on v1', description: 'v'.repeat(1500) });
      const read = await t.http().get(`${tasksOf(user)}/${created.body.id}`).set(as());
      // Deliberately not valid against the seed's Task (maxLength 1000): CONTRACT.md says reads return what is stored.
      expect(read.status).toBe(200);
      expect(read.body.description).toHaveLength(1500);
    });

    it('toggles with no body, sets with { completed }, and refuses other properties', async () => {
      const { body: task } = await createSeedTask(user, { title: 'Toggle me' });
      const url = `${tasksOf(user)}/${task.id}/complete`;
      const on = await t.http().patch(url).set(as());
      contract.expect(on, 'toggleTaskCompletion', 200);
      expect(on.body).toEqual(expect.objectContaining({ completed: true, completed_at: expect.stringMatching(ISO_DATE_TIME) }));
      const off = await t.http().patch(url).set(as()).send({});
      contract.expect(off, 'toggleTaskCompletion', 200);
      expect(off.body.completed).toBe(false);
      const set = await t.http().patch(url).set(as()).send({ completed: false });
      contract.expect(set, 'toggleTaskCompletion', 200);
      expect(set.body.completed).toBe(false);
      contract.expect(await t.http().patch(url).set(as()).send({ title: 'x' }), 'toggleTaskCompletion', 400);
      expect((await row(task.id)).version).toBe(4);
    });

    it('honours ETag, If-Match and If-None-Match as /api/v1/tasks does', async () => {
      const { body: task, headers } = await createSeedTask(user, { title: 'Versioned' });
      const url = `${tasksOf(user)}/${task.id}`;
      const etag = headers.etag as string;
      expect(etag).toMatch(/^"v1-[0-9a-f]{8}"$/);

      const notModified = await t.http().get(url).set(as()).set('If-None-Match', etag);
      contract.expect(notModified, 'getTask', 304);
      expect(notModified.text).toBe('');

      const updated = await t.http().put(url).set(as()).set('If-Match', etag).send({ title: 'Versioned 2' });
      contract.expect(updated, 'updateTask', 200);
      expect(updated.headers.etag).not.toBe(etag);

      const before = await row(task.id);
      contract.expect(await t.http().put(url).set(as()).set('If-Match', etag).send({ title: 'Lost update' }), 'updateTask', 412);
      contract.expect(await t.http().patch(`${url}/complete`).set(as()).set('If-Match', etag), 'toggleTaskCompletion', 412);
      contract.expect(await t.http().delete(url).set(as()).set('If-Match', etag), 'deleteTask', 412);
      expect(await row(task.id)).toEqual(before);

      const deleted = await t.http().delete(url).set(as()).set('If-Match', updated.headers.etag);
      contract.expect(deleted, 'deleteTask', 200);
    });

    it('replays a POST with the same Idempotency-Key in the seed dialect and creates one task', async () => {
      const key = randomUUID();
      const first = await t.http().post(tasksOf(user)).set(as()).set('Idempotency-Key', key).send({ title: 'Once', description: 'only' });
      contract.expect(first, 'createTask', 201);
      const replay = await t.http().post(tasksOf(user)).set(as()).set('Idempotency-Key', key).send({ title: 'Once', description: 'only' });
      contract.expect(replay, 'createTask', 201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.headers.location).toBe(first.headers.location);
      expect(replay.headers.etag).toBe(first.headers.etag);
      expect(replay.body).toEqual(first.body);
      expect(Object.keys(replay.body)).toEqual(Object.keys(first.body));
      contract.expect(await t.http().post(tasksOf(user)).set(as()).set('Idempotency-Key', key).send({ title: 'Other' }), 'createTask', 422);
      expect(await t.sql("SELECT id FROM tasks WHERE owner_id = $1 AND title IN ('Once', 'Other')", [user.id])).toHaveLength(1);
    });

    it("answers every operation with another user's id or a malformed one with the same 404 as a foreign task, and changes nothing", async () => {
      const other = await seedRegister();
      const { body: mine } = await createSeedTask(user, { title: 'Mine' });
      const before = await t.sql('SELECT * FROM tasks ORDER BY id');
      for (const userId of [other.id, randomUUID(), 'user123']) {
        const base = `/api/${userId}/tasks`;
        contract.expect(await t.http().get(base).set(as()), 'listTasks', 404);
        contract.expect(await t.http().post(base).set(as()).send({ title: 'Planted' }), 'createTask', 404);
        contract.expect(await t.http().get(`${base}/${mine.id}`).set(as()), 'getTask', 404);
        contract.expect(await t.http().put(`${base}/${mine.id}`).set(as()).send({ title: 'hijacked' }), 'updateTask', 404);
        contract.expect(await t.http().patch(`${base}/${mine.id}/complete`).set(as()), 'toggleTaskCompletion', 404);
        contract.expect(await t.http().delete(`${base}/${mine.id}`).set(as()), 'deleteTask', 404);
      }
      // Its own path, a task of someone else: the same 404.
      const { body: theirs } = await createSeedTask(other, { title: 'Theirs' });
      const beforeTheirs = await row(theirs.id);
      contract.expect(await t.http().get(`${tasksOf(user)}/${theirs.id}`).set(as()), 'getTask', 404);
      contract.expect(await t.http().put(`${tasksOf(user)}/${theirs.id}`).set(as()).send({ title: 'hijacked' }), 'updateTask', 404);
      contract.expect(await t.http().delete(`${tasksOf(user)}/${theirs.id}`).set(as()), 'deleteTask', 404);
      expect(await row(theirs.id)).toEqual(beforeTheirs);
      expect((await t.sql('SELECT * FROM tasks ORDER BY id')).filter((task) => task.id !== theirs.id)).toEqual(before);
    });

    it('needs an access token on every operation', async () => {
      const { body: task } = await createSeedTask(user, { title: 'Guarded' });
      contract.expect(await t.http().get(tasksOf(user)), 'listTasks', 401);
      contract.expect(await t.http().post(tasksOf(user)).send({ title: 'x' }), 'createTask', 401);
      contract.expect(await t.http().get(`${tasksOf(user)}/${task.id}`), 'getTask', 401);
      contract.expect(await t.http().put(`${tasksOf(user)}/${task.id}`).send({ title: 'x' }), 'updateTask', 401);
      contract.expect(await t.http().patch(`${tasksOf(user)}/${task.id}/complete`), 'toggleTaskCompletion', 401);
      contract.expect(await t.http().delete(`${tasksOf(user)}/${task.id}`), 'deleteTask', 401);
      contract.expect(await t.http().post('/api/auth/logout'), 'logoutUser', 401);
    });

    it('has no PATCH on a task: the seed dialect edits with a partial PUT', async () => {
      const { body: task } = await createSeedTask(user, { title: 'No patch' });
      const response = await t.http().patch(`${tasksOf(user)}/${task.id}`).set(as()).send({ title: 'x' });
      expect([404, 405]).toContain(response.status);
      expect((await row(task.id)).title).toBe('No patch');
    });
  });

  describe('auth', () => {
    it('registers with email, password and an optional name; other properties, bad input and a taken email are problems', async () => {
      const email = uniqueEmail('reg');
      const noName = await t.http().post('/api/auth/register').send({ email: ` ${email.toUpperCase()} `, password: GOOD_PASSWORD });
      contract.expect(noName, 'registerUser', 201);
      expect(noName.body.user.email).toBe(email);
      expect(await t.sql('SELECT name FROM users WHERE id = $1', [noName.body.user.id])).toEqual([{ name: null }]);

      contract.expect(await t.http().post('/api/auth/register').send({ email, password: GOOD_PASSWORD }), 'registerUser', 409);
      for (const body of [
        { email: uniqueEmail(), password: GOOD_PASSWORD, role: 'admin' },
        { email: uniqueEmail(), password: GOOD_PASSWORD, name: 'x', email_verified: true },
        { email: 'not-an-email', password: GOOD_PASSWORD },
        { email: uniqueEmail(), password: 'short' },
        { email: uniqueEmail(), password: 'password123' },
      ]) {
        contract.expect(await t.http().post('/api/auth/register').send(body), 'registerUser', 400);
      }
    });

    it('logs in with one generic 401 for an unknown email and a wrong password, and the tokens work on /api/v1', async () => {
      const user = await seedRegister();
      const unknown = await t.http().post('/api/auth/login').send({ email: uniqueEmail('nobody'), password: GOOD_PASSWORD });
      const wrong = await t.http().post('/api/auth/login').send({ email: user.email, password: 'not-the-password-1' });
      contract.expect(unknown, 'loginUser', 401);
      contract.expect(wrong, 'loginUser', 401);
      expect(wrong.body.detail).toBe(unknown.body.detail);
      contract.expect(await t.http().post('/api/auth/login').send({ email: user.email, password: GOOD_PASSWORD, remember: true }), 'loginUser', 400);

      const login = await t.http().post('/api/auth/login').send({ email: user.email.toUpperCase(), password: GOOD_PASSWORD });
      contract.expect(login, 'loginUser', 200);
      const me = await t.http().get('/api/v1/users/me').set(bearer(login.body.access_token));
      expect(me.body).toEqual(expect.objectContaining({ id: user.id, email: user.email }));
      const refreshed = await t.http().post('/api/v1/auth/refresh').send({ refreshToken: login.body.refresh_token });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.user.id).toBe(user.id);
    });

    it('answers register and login like their /api/v1 twins, which still speak their own dialect', async () => {
      const v1 = await registerUser(t);
      const seedLogin = await t.http().post('/api/auth/login').send({ email: v1.email, password: v1.password });
      contract.expect(seedLogin, 'loginUser', 200);
      expect(seedLogin.body.user).toEqual({ id: v1.id, email: v1.email });
      const v1Login = await t.http().post('/api/v1/auth/login').send({ email: v1.email, password: v1.password });
      expect(Object.keys(v1Login.body).sort()).toEqual(['accessToken', 'expiresIn', 'refreshExpiresIn', 'refreshToken', 'tokenType', 'user']);
      expect(v1Login.body.tokenType).toBe('Bearer');
    });
  });

  it("fails an answer that breaks the seed documents: /api/v1's page, a task without user_id, an undocumented status, a 204 logout", () => {
    const json = { 'content-type': 'application/json; charset=utf-8' };
    const task = { id: randomUUID(), user_id: randomUUID(), title: 'T', description: null, completed: false, created_at: '2026-12-01T00:00:00.000Z', updated_at: '2026-12-01T00:00:00.000Z' };
    expect(() => contract.expect({ status: 200, headers: json, body: [task] }, 'listTasks', 200)).not.toThrow();
    expect(() => contract.expect({ status: 200, headers: json, body: { data: [task], meta: {} } }, 'listTasks', 200)).toThrow();
    expect(() => contract.expect({ status: 200, headers: json, body: { ...task, user_id: undefined } }, 'getTask', 200)).toThrow();
    expect(() => contract.expect({ status: 200, headers: json, body: { ...task, created_at: 'yesterday' } }, 'getTask', 200)).toThrow();
    expect(() => contract.expect({ status: 200, headers: json, body: { accessToken: 'x', tokenType: 'Bearer' } }, 'loginUser', 200)).toThrow();
    expect(() => contract.expect({ status: 204, headers: {}, body: {} }, 'logoutUser', 204)).toThrow();
    expect(() => contract.expect({ status: 204, headers: {}, body: {} }, 'deleteTask', 204)).toThrow();
    expect(() => contract.expect({ status: 201, headers: json, body: task }, 'listTasks', 200)).toThrow();
  });

  it('loads the nine operations of the two seed documents', () => {
    expect(contract.operationIds().sort()).toEqual(['createTask', 'deleteTask', 'getTask', 'listTasks', 'loginUser', 'logoutUser', 'registerUser', 'toggleTaskCompletion', 'updateTask']);
  });
});

describe('seed dialect: the rules of the /api/v1 twins', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  it('counts seed login and register on the same per-route counters as /api/v1 login and register', async () => {
    const t = await createTestApp({ database, env: { RATE_LIMIT_AUTH_PER_MIN: '3' } });
    try {
      const badLogin = (path: string) => t.http().post(path).send({ email: uniqueEmail('nobody'), password: 'not-a-password-1' });
      expectProblem(await badLogin('/api/v1/auth/login'), 401);
      contract.expect(await badLogin('/api/auth/login'), 'loginUser', 401);
      expectProblem(await badLogin('/api/v1/auth/login'), 401);
      const limited = await badLogin('/api/auth/login');
      contract.expect(limited, 'loginUser', 429);
      expect(limited.headers['retry-after']).toMatch(/^\d+$/);
      expectProblem(await badLogin('/api/v1/auth/login'), 429);

      // Register has its own counter, shared by the two dialects too.
      const register = (path: string) => t.http().post(path).send({ email: uniqueEmail('limit'), password: GOOD_PASSWORD });
      contract.expect(await register('/api/auth/register'), 'registerUser', 201);
      expect((await register('/api/v1/auth/register')).status).toBe(201);
      contract.expect(await register('/api/auth/register'), 'registerUser', 201);
      contract.expect(await register('/api/auth/register'), 'registerUser', 429);
      expectProblem(await register('/api/v1/auth/register'), 429);
    } finally {
      await t.close();
    }
  });

  it('lets a browser frontend on an allowed origin read X-Total-Count', async () => {
    const t = await createTestApp({ database, env: { CORS_ORIGINS: 'https://todo.example' } });
    try {
      const email = uniqueEmail('cors');
      const registered = await t.http().post('/api/auth/register').send({ email, password: GOOD_PASSWORD });
      const response = await t.http().get(`/api/${registered.body.user.id}/tasks`).set(bearer(registered.body.access_token)).set('Origin', 'https://todo.example');
      contract.expect(response, 'listTasks', 200);
      expect(response.headers['access-control-allow-origin']).toBe('https://todo.example');
      expect(response.headers['access-control-expose-headers'].split(/,\s*/)).toEqual(expect.arrayContaining(['X-Total-Count', 'ETag', 'Location']));
    } finally {
      await t.close();
    }
  });

  it('refuses the seed login of an unverified account with 403 under REQUIRE_VERIFIED_EMAIL=true, and lets it in once verified', async () => {
    const t = await createTestApp({ database, env: { REQUIRE_VERIFIED_EMAIL: 'true' } });
    try {
      const email = uniqueEmail('unverified');
      const registered = await t.http().post('/api/auth/register').send({ email, password: GOOD_PASSWORD, name: 'Una' });
      expect(registered.status).toBe(201);
      const userId = registered.body.user.id as string;
      // No tokens and no session until the address is confirmed (CONTRACT "Hostile input": the seed's shape of it).
      expect(registered.body).toEqual({ user: { id: userId, email }, email_verification_required: true });
      expect(await t.sql('SELECT id FROM sessions WHERE user_id = $1', [userId])).toEqual([]);

      const refused = await t.http().post('/api/auth/login').send({ email, password: GOOD_PASSWORD });
      contract.expect(refused, 'loginUser', 403);
      expect(refused.body.type).toMatch(/email-not-verified$/);
      const wrongPassword = await t.http().post('/api/auth/login').send({ email, password: 'not-the-password-1' });
      contract.expect(wrongPassword, 'loginUser', 401);

      await t.sql('UPDATE users SET email_verified = true WHERE id = $1', [userId]);
      const login = await t.http().post('/api/auth/login').send({ email, password: GOOD_PASSWORD });
      contract.expect(login, 'loginUser', 200);
      expect(login.body.user).toEqual({ id: userId, email });
    } finally {
      await t.close();
    }
  });
});
