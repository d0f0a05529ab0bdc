import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, registerUser, type RegisteredUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createTask, ISO_DATE_TIME, type TaskBody } from './support/tasks.js';

const TASK_KEYS = ['completed', 'completedAt', 'createdAt', 'description', 'dueDate', 'id', 'priority', 'title', 'updatedAt'];

describe('tasks: create, read, replace, update, complete, delete', () => {
  let t: TestApp;
  let user: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    user = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const auth = () => bearer(user.accessToken);
  const taskRow = async (id: string) => {
    const [row] = await t.sql('SELECT * FROM tasks WHERE id = $1', [id]);
    return row;
  };
  const taskCount = async (owner: RegisteredUser = user) => {
    const [{ count }] = await t.sql<{ count: number }>('SELECT count(*)::int AS count FROM tasks WHERE owner_id = $1', [owner.id]);
    return count;
  };

  describe('POST /tasks', () => {
    it('creates a task with defaults, answers 201 with a Location, and stores the title trimmed', async () => {
      const response = await t.http().post('/api/v1/tasks').set(auth()).send({ title: '  Water the plants  ' });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        title: 'Water the plants',
        description: null,
        completed: false,
        completedAt: null,
        priority: 'medium',
        dueDate: null,
        createdAt: expect.stringMatching(ISO_DATE_TIME),
        updatedAt: expect.stringMatching(ISO_DATE_TIME),
      });
      expect(Object.keys(response.body).sort()).toEqual(TASK_KEYS);
      expect(response.headers.location).toBe(`/api/v1/tasks/${response.body.id}`);
      const row = await taskRow(response.body.id);
      expect(row).toEqual(expect.objectContaining({ owner_id: user.id, title: 'Water the plants', version: 1, completed: false, completed_at: null }));

      const followed = await t.http().get(response.headers.location).set(auth());
      expect(followed.status).toBe(200);
      expect(followed.body).toEqual(response.body);
    });

    it('takes every field, normalises the due date to UTC and sets completedAt for a completed task', async () => {
      const body = { title: 'Pay rent', description: 'Before the 5th', priority: 'high', dueDate: '2026-12-01T09:30:00+02:00', completed: true };
      const response = await t.http().post('/api/v1/tasks').set(auth()).send(body);

      expect(response.status).toBe(201);
      expect(response.body).toEqual(
        expect.objectContaining({ title: 'Pay rent', description: 'Before the 5th', priority: 'high', dueDate: '2026-12-01T07:30:00.000Z', completed: true }),
      );
      expect(response.body.completedAt).toMatch(ISO_DATE_TIME);
      expect(response.body.completedAt).toBe(response.body.createdAt);
    });

    it('accepts the limits exactly: a 200-character title, a 2000-character description, null description and due date', async () => {
      const response = await t.http().post('/api/v1/tasks').set(auth()).send({ title: `  ${'t'.repeat(200)}  `, description: 'd'.repeat(2000), dueDate: null });
      expect(response.status).toBe(201);
      expect(response.body.title).toHaveLength(200);

      const nulls = await t.http().post('/api/v1/tasks').set(auth()).send({ title: 'x', description: null, dueDate: null });
      expect(nulls.status).toBe(201);
      expect(nulls.body).toEqual(expect.objectContaining({ description: null, dueDate: null }));
    });

    it('counts title length in characters, not UTF-16 units', async () => {
      const response = await t.http().post('/api/v1/tasks').set(auth()).send({ title: '🦊'.repeat(200) });
      expect(response.status).toBe(201);
      expect(response.body.title).toBe('🦊'.repeat(200));
    });

    it.each([
      ['no title', {}, 'title'],
      ['a blank title', { title: '   ' }, 'title'],
      ['a 201-character title', { title: 't'.repeat(201) }, 'title'],
      ['a title that is not a string', { title: 42 }, 'title'],
      ['a null title', { title: null }, 'title'],
      ['a 2001-character description', { title: 'x', description: 'd'.repeat(2001) }, 'description'],
      ['a description that is not a string', { title: 'x', description: ['a'] }, 'description'],
      ['an unknown priority', { title: 'x', priority: 'urgent' }, 'priority'],
      ['a null priority', { title: 'x', priority: null }, 'priority'],
      ['a due date that is not a date', { title: 'x', dueDate: 'tomorrow' }, 'dueDate'],
      ['a due date on 30 February', { title: 'x', dueDate: '2026-02-30T10:00:00Z' }, 'dueDate'],
      ['a due date without a time', { title: 'x', dueDate: '2026-11-28' }, 'dueDate'],
      ['a due date without an offset', { title: 'x', dueDate: '2026-11-28T10:00:00' }, 'dueDate'],
      ['a due date as a number', { title: 'x', dueDate: 1764324000000 }, 'dueDate'],
      ['completed as a string', { title: 'x', completed: 'true' }, 'completed'],
      ['a null completed', { title: 'x', completed: null }, 'completed'],
      ['a client-chosen id', { title: 'x', id: '00000000-0000-4000-8000-000000000000' }, 'id'],
      ['an owner id', { title: 'x', ownerId: '00000000-0000-4000-8000-000000000000' }, 'ownerId'],
      ['a user id', { title: 'x', userId: '00000000-0000-4000-8000-000000000000' }, 'userId'],
      ['a version', { title: 'x', version: 7 }, 'version'],
      ['a completedAt', { title: 'x', completedAt: '2026-11-28T10:00:00Z' }, 'completedAt'],
      ['a createdAt', { title: 'x', createdAt: '2026-11-28T10:00:00Z' }, 'createdAt'],
    ])('rejects %s with a 400 naming the field, and writes nothing', async (_label, body, field) => {
      const before = await taskCount();
      const response = await t.http().post('/api/v1/tasks').set(auth()).send(body);

      expectProblem(response, 400);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]));
      expect(await taskCount()).toBe(before);
    });

    it.each([
      ['an array', '[{"title":"x"}]'],
      ['a string', '"x"'],
      ['a number', '42'],
      ['null', 'null'],
    ])('rejects a body that is %s', async (_label, raw) => {
      const before = await taskCount();
      const response = await t.http().post('/api/v1/tasks').set(auth()).set('Content-Type', 'application/json').send(raw);

      expectProblem(response, 400);
      expect(await taskCount()).toBe(before);
    });

    it('rejects malformed JSON with a 400 problem', async () => {
      const response = await t.http().post('/api/v1/tasks').set(auth()).set('Content-Type', 'application/json').send('{"title":');
      expectProblem(response, 400);
    });

    it('needs an access token', async () => {
      const response = await t.http().post('/api/v1/tasks').send({ title: 'x' });
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('lands all of 50 concurrent creates', async () => {
      const owner = await registerUser(t);
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, index) => t.http().post('/api/v1/tasks').set(bearer(owner.accessToken)).send({ title: `Task ${index}` })),
      );

      expect(responses.map((response) => response.status)).toEqual(Array(50).fill(201));
      expect(new Set(responses.map((response) => response.body.id)).size).toBe(50);
      expect(await taskCount(owner)).toBe(50);
    });
  });

  describe('GET /tasks/{id}', () => {
    it('returns the task without owner or version', async () => {
      const task = await createTask(t, user, { title: 'Read me' });
      const response = await t.http().get(`/api/v1/tasks/${task.id}`).set(auth());

      expect(response.status).toBe(200);
      expect(response.body).toEqual(task);
      expect(JSON.stringify(response.body)).not.toContain(user.id);
    });
  });

  describe('PUT /tasks/{id}', () => {
    let full: TaskBody;

    beforeAll(async () => {
      full = await createTask(t, user, { title: 'Full', description: 'All set', priority: 'high', dueDate: '2026-12-24T18:00:00Z', completed: true });
    });

    it('replaces the task and resets the fields left out to their defaults', async () => {
      const response = await t.http().put(`/api/v1/tasks/${full.id}`).set(auth()).send({ title: '  Replaced ' });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...full,
        title: 'Replaced',
        description: null,
        priority: 'medium',
        dueDate: null,
        completed: false,
        completedAt: null,
        updatedAt: expect.stringMatching(ISO_DATE_TIME),
      });
      expect(response.body.updatedAt > full.updatedAt).toBe(true);
      const row = await taskRow(full.id);
      expect(row).toEqual(expect.objectContaining({ title: 'Replaced', description: null, priority: 'medium', due_date: null, completed: false, completed_at: null, version: 2 }));
    });

    it('sets every field it is given, and completedAt when the task becomes completed', async () => {
      const task = await createTask(t, user);
      const body = { title: 'Every field', description: 'desc', priority: 'low', dueDate: '2027-01-01T00:00:00.000Z', completed: true };
      const response = await t.http().put(`/api/v1/tasks/${task.id}`).set(auth()).send(body);

      expect(response.status).toBe(200);
      expect(response.body).toEqual(expect.objectContaining(body));
      expect(response.body.completedAt).toBe(response.body.updatedAt);
    });

    it('keeps completedAt when the task was and stays completed', async () => {
      const task = await createTask(t, user, { completed: true });
      const response = await t.http().put(`/api/v1/tasks/${task.id}`).set(auth()).send({ title: 'Still done', completed: true });

      expect(response.status).toBe(200);
      expect(response.body.completedAt).toBe(task.completedAt);
    });

    it('requires a title and validates like POST, changing nothing on error', async () => {
      const task = await createTask(t, user, { title: 'Unchanged' });
      for (const body of [{}, { description: 'no title' }, { title: 'x', priority: 'urgent' }, { title: 'x', id: task.id }]) {
        const response = await t.http().put(`/api/v1/tasks/${task.id}`).set(auth()).send(body);
        expectProblem(response, 400);
      }
      expect(await taskRow(task.id)).toEqual(expect.objectContaining({ title: 'Unchanged', version: 1 }));
    });
  });

  describe('PATCH /tasks/{id}', () => {
    it('changes only the fields it is given', async () => {
      const task = await createTask(t, user, { title: 'Before', description: 'keep me', priority: 'low', dueDate: '2026-12-01T00:00:00.000Z' });
      const response = await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send({ title: ' After ' });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...task, title: 'After', updatedAt: expect.stringMatching(ISO_DATE_TIME) });
    });

    it('clears the nullable fields with null', async () => {
      const task = await createTask(t, user, { description: 'some', dueDate: '2026-12-01T00:00:00.000Z' });
      const response = await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send({ description: null, dueDate: null });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(expect.objectContaining({ description: null, dueDate: null, title: task.title }));
    });

    it('accepts an empty body and changes no field', async () => {
      const task = await createTask(t, user, { description: 'same' });
      const response = await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send({});

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ ...task, updatedAt: expect.any(String) });
    });

    it('sets completedAt when completed becomes true, keeps it on other changes and clears it when reopened', async () => {
      const task = await createTask(t, user);

      const done = await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send({ completed: true });
      expect(done.body.completed).toBe(true);
      expect(done.body.completedAt).toMatch(ISO_DATE_TIME);

      const renamed = await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send({ title: 'Renamed' });
      expect(renamed.body.completedAt).toBe(done.body.completedAt);

      const again = await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send({ completed: true });
      expect(again.body.completedAt).toBe(done.body.completedAt);

      const reopened = await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send({ completed: false });
      expect(reopened.body).toEqual(expect.objectContaining({ completed: false, completedAt: null }));
    });

    it.each([
      ['a null title', { title: null }, 'title'],
      ['a blank title', { title: ' ' }, 'title'],
      ['a null priority', { priority: null }, 'priority'],
      ['a null completed', { completed: null }, 'completed'],
      ['a bad due date', { dueDate: '2026-11-31T00:00:00Z' }, 'dueDate'],
      ['an unknown property', { owner: 'me' }, 'owner'],
    ])('rejects %s and changes nothing', async (_label, body, field) => {
      const task = await createTask(t, user, { title: 'Stays' });
      const response = await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send(body);

      expectProblem(response, 400);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
      expect(await taskRow(task.id)).toEqual(expect.objectContaining({ title: 'Stays', version: 1, priority: 'medium', completed: false }));
    });

    it('rejects a body that is an array', async () => {
      const task = await createTask(t, user);
      const response = await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send([{ title: 'x' }]);
      expectProblem(response, 400);
    });
  });

  describe('PATCH /tasks/{id}/complete', () => {
    it('toggles with no body, and with an empty object', async () => {
      const task = await createTask(t, user);

      const first = await t.http().patch(`/api/v1/tasks/${task.id}/complete`).set(auth());
      expect(first.status).toBe(200);
      expect(first.body).toEqual(expect.objectContaining({ completed: true, completedAt: expect.stringMatching(ISO_DATE_TIME) }));

      const second = await t.http().patch(`/api/v1/tasks/${task.id}/complete`).set(auth()).send({});
      expect(second.status).toBe(200);
      expect(second.body).toEqual(expect.objectContaining({ completed: false, completedAt: null }));
      expect(await taskRow(task.id)).toEqual(expect.objectContaining({ completed: false, completed_at: null, version: 3 }));

      // Some clients always declare JSON, even with nothing to send.
      const third = await t.http().patch(`/api/v1/tasks/${task.id}/complete`).set(auth()).set('Content-Type', 'application/json');
      expect(third.status).toBe(200);
      expect(third.body.completed).toBe(true);
    });

    it('sets the state it is given, keeping completedAt when it does not change', async () => {
      const task = await createTask(t, user);

      const done = await t.http().patch(`/api/v1/tasks/${task.id}/complete`).set(auth()).send({ completed: true });
      expect(done.body.completed).toBe(true);
      const still = await t.http().patch(`/api/v1/tasks/${task.id}/complete`).set(auth()).send({ completed: true });
      expect(still.body).toEqual(expect.objectContaining({ completed: true, completedAt: done.body.completedAt }));
      const open = await t.http().patch(`/api/v1/tasks/${task.id}/complete`).set(auth()).send({ completed: false });
      expect(open.body).toEqual(expect.objectContaining({ completed: false, completedAt: null }));
      const stillOpen = await t.http().patch(`/api/v1/tasks/${task.id}/complete`).set(auth()).send({ completed: false });
      expect(stillOpen.body).toEqual(expect.objectContaining({ completed: false, completedAt: null }));
    });

    it.each([
      ['a string', { completed: 'yes' }],
      ['null', { completed: null }],
      ['another property', { title: 'x' }],
    ])('rejects completed as %s', async (_label, body) => {
      const task = await createTask(t, user);
      const response = await t.http().patch(`/api/v1/tasks/${task.id}/complete`).set(auth()).send(body);

      expectProblem(response, 400);
      expect(await taskRow(task.id)).toEqual(expect.objectContaining({ completed: false, version: 1 }));
    });
  });

  describe('DELETE /tasks/{id}', () => {
    it('deletes the task: 204, then 404 for every operation on it', async () => {
      const task = await createTask(t, user);
      const response = await t.http().delete(`/api/v1/tasks/${task.id}`).set(auth());

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      expect(await t.sql('SELECT id FROM tasks WHERE id = $1', [task.id])).toHaveLength(0);
      expectProblem(await t.http().delete(`/api/v1/tasks/${task.id}`).set(auth()), 404);
      expectProblem(await t.http().get(`/api/v1/tasks/${task.id}`).set(auth()), 404);
      expectProblem(await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send({ title: 'x' }), 404);
    });
  });

  describe('seed-compatible routes /api/{user_id}/tasks', () => {
    // Their dialect is checked against the seed documents in test/seed-dialect.e2e-spec.ts; here: they work on the same tasks.
    it('run on the same tasks as /api/v1, in their own dialect, and point Location at their own path', async () => {
      const base = `/api/${user.id}/tasks`;
      const created = await t.http().post(base).set(auth()).send({ title: ' Seed ' });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe(`${base}/${created.body.id}`);
      expect(created.body).toEqual(expect.objectContaining({ title: 'Seed', user_id: user.id, created_at: expect.stringMatching(ISO_DATE_TIME) }));

      const viaV1 = await t.http().get(`/api/v1/tasks/${created.body.id}`).set(auth());
      expect(viaV1.body).toEqual(expect.objectContaining({ id: created.body.id, title: 'Seed', createdAt: created.body.created_at }));
      const listed = await t.http().get(base).set(auth());
      expect(listed.status).toBe(200);
      expect(listed.body).toEqual(expect.arrayContaining([created.body]));

      const updated = await t.http().put(`${base}/${created.body.id}`).set(auth()).send({ title: 'Seed updated' });
      expect(updated.body).toEqual(expect.objectContaining({ title: 'Seed updated', priority: 'medium' }));
      const toggled = await t.http().patch(`${base}/${created.body.id}/complete`).set(auth());
      expect(toggled.body).toEqual(expect.objectContaining({ completed: true, completed_at: expect.stringMatching(ISO_DATE_TIME) }));
      const deleted = await t.http().delete(`${base}/${created.body.id}`).set(auth());
      expect(deleted.status).toBe(200);
      expect(await t.sql('SELECT id FROM tasks WHERE id = $1', [created.body.id])).toHaveLength(0);
    });

    it('validate like /api/v1/tasks', async () => {
      const response = await t.http().post(`/api/${user.id}/tasks`).set(auth()).send({ title: '', ownerId: user.id });
      expectProblem(response, 400);
      expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'title' }), expect.objectContaining({ field: 'ownerId' })]));
    });

    it('need an access token', async () => {
      expectProblem(await t.http().get(`/api/${user.id}/tasks`), 401);
    });
  });

  describe('account deletion', () => {
    it('deletes the tasks of the account', async () => {
      const owner = await registerUser(t);
      const bystander = await registerUser(t);
      await createTask(t, owner);
      await createTask(t, owner);
      const kept = await createTask(t, bystander);

      const response = await t.http().delete('/api/v1/users/me').set(bearer(owner.accessToken)).send({ password: owner.password });

      expect(response.status).toBe(204);
      expect(await taskCount(owner)).toBe(0);
      expect(await t.sql('SELECT id FROM tasks WHERE id = $1', [kept.id])).toHaveLength(1);
    });
  });
});

describe('tasks: OpenAPI document', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('documents the seven operations of /api/v1/tasks and the six of the seed dialect, the seed ones deprecated with their own operation ids', async () => {
    const response = await t.http().get('/docs/openapi.json');
    expect(response.status).toBe(200);
    const paths = response.body.paths as Record<string, Record<string, { operationId: string; deprecated?: boolean; security?: unknown[] }>>;
    const operations = (prefix: string) =>
      Object.entries(paths)
        .filter(([path]) => path.startsWith(prefix))
        .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ route: `${method.toUpperCase()} ${path}`, ...operation })));

    // The changes feed and the event stream are /api/v1 only (test/tasks-changes and tasks-events).
    const v1 = operations('/api/v1/tasks').filter(({ route }) => !/^GET \/api\/v1\/tasks\/(changes|events)$/.test(route));
    const seed = operations('/api/{user_id}/tasks');
    expect(v1.map((operation) => operation.route).sort()).toEqual([
      'DELETE /api/v1/tasks/{id}',
      'GET /api/v1/tasks',
      'GET /api/v1/tasks/{id}',
      'PATCH /api/v1/tasks/{id}',
      'PATCH /api/v1/tasks/{id}/complete',
      'POST /api/v1/tasks',
      'PUT /api/v1/tasks/{id}',
    ]);
    expect(seed.map((operation) => operation.route).sort()).toEqual([
      'DELETE /api/{user_id}/tasks/{task_id}',
      'GET /api/{user_id}/tasks',
      'GET /api/{user_id}/tasks/{task_id}',
      'PATCH /api/{user_id}/tasks/{task_id}/complete',
      'POST /api/{user_id}/tasks',
      'PUT /api/{user_id}/tasks/{task_id}',
    ]);
    expect(v1.every((operation) => !operation.deprecated && operation.operationId.startsWith('tasks_'))).toBe(true);
    expect(seed.every((operation) => operation.deprecated === true && operation.operationId.startsWith('seedTasks_'))).toBe(true);
    expect(new Set([...v1, ...seed].map((operation) => operation.operationId)).size).toBe(13);
    expect([...v1, ...seed].every((operation) => Array.isArray(operation.security) && operation.security.length > 0)).toBe(true);
  });

  it('documents the conditional and idempotency headers, and the statuses they lead to', async () => {
    const response = await t.http().get('/docs/openapi.json');
    type Operation = { parameters?: { in: string; name: string }[]; responses: Record<string, { headers?: Record<string, unknown> }> };
    const paths = response.body.paths as Record<string, Record<string, Operation>>;
    const headers = (operation: Operation) => (operation.parameters ?? []).filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name);

    const families: [string, string, string[]][] = [
      ['/api/v1/tasks', '{id}', ['put', 'patch', 'delete']],
      ['/api/{user_id}/tasks', '{task_id}', ['put', 'delete']],
    ];
    for (const [base, id, methods] of families) {
      const create = paths[base].post;
      expect(headers(create)).toEqual(['Idempotency-Key']);
      expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '409', '422']));
      expect(Object.keys(create.responses['201'].headers ?? {}).sort()).toEqual(['ETag', 'Idempotent-Replayed', 'Location', 'X-Request-Id']);

      const read = paths[`${base}/${id}`].get;
      expect(headers(read)).toEqual(['If-None-Match']);
      expect(Object.keys(read.responses)).toEqual(expect.arrayContaining(['200', '304', '404']));
      expect(Object.keys(read.responses['200'].headers ?? {})).toEqual(['ETag', 'X-Request-Id']);

      for (const write of [...methods.map((method) => paths[`${base}/${id}`][method]), paths[`${base}/${id}/complete`].patch]) {
        expect(headers(write)).toEqual(['If-Match']);
        expect(Object.keys(write.responses)).toEqual(expect.arrayContaining(['404', '412']));
      }
    }
  });
});
