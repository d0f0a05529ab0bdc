import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { bearer, expectProblem, registerUser, type RegisteredUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createTask, type TaskBody } from './support/tasks.js';

type Operation = (url: string) => PromiseLike<Response>;

/** What a problem says once the per-request fields are set aside: must be identical across all the 404s. */
const comparable = (response: Response): Record<string, unknown> => {
  const { requestId, instance, ...rest } = response.body as Record<string, unknown>;
  expect(requestId).toBe(response.headers['x-request-id']);
  expect(typeof instance).toBe('string');
  return { ...rest, contentType: response.headers['content-type'] };
};

describe('tasks: isolation between users', () => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let aliceTask: TaskBody;
  let bobTasks: TaskBody[];

  beforeAll(async () => {
    t = await createTestApp();
    alice = await registerUser(t);
    bob = await registerUser(t);
    aliceTask = await createTask(t, alice, { title: 'Alice public', priority: 'low' });
    await createTask(t, alice, { title: 'Alice second', dueDate: '2026-12-01T00:00:00Z', completed: true });
    bobTasks = [
      await createTask(t, bob, { title: 'Bob secret plan', priority: 'high', dueDate: '2026-11-30T00:00:00Z' }),
      await createTask(t, bob, { title: 'aaa Bob first by title', description: 'secret notes', completed: true }),
      await createTask(t, bob, { title: 'Alice impostor', priority: 'low' }),
    ];
  });

  afterAll(async () => {
    await t.close();
  });

  const asAlice = () => bearer(alice.accessToken);
  const snapshot = () => t.sql('SELECT * FROM tasks ORDER BY id');

  const operations: [string, Operation][] = [
    ['GET', (url) => t.http().get(url).set(asAlice())],
    ['PUT', (url) => t.http().put(url).set(asAlice()).send({ title: 'hijacked' })],
    ['PATCH', (url) => t.http().patch(url).set(asAlice()).send({ title: 'hijacked' })],
    ['PATCH …/complete (toggle)', (url) => t.http().patch(`${url}/complete`).set(asAlice())],
    ['PATCH …/complete (set)', (url) => t.http().patch(`${url}/complete`).set(asAlice()).send({ completed: true })],
    ['DELETE', (url) => t.http().delete(url).set(asAlice())],
  ];
  // The seed dialect has no PATCH on a task (its PUT is partial).
  const operationsOf = (family: string) => (family.startsWith('/api/v1/') ? operations : operations.filter(([name]) => name !== 'PATCH'));

  it("answers another user's task, an unknown id and a malformed id with the same 404 on every operation of both route families, and changes nothing", async () => {
    const before = await snapshot();
    const families = ['/api/v1/tasks', `/api/${alice.id}/tasks`];
    const ids = [
      bobTasks[0].id,
      bobTasks[1].id.toUpperCase(),
      randomUUID(),
      'not-a-uuid',
      `${bobTasks[0].id}x`,
      '12345',
      encodeURIComponent("1' OR '1'='1"),
      bobTasks[0].id.replaceAll('-', ''),
    ];
    const answers: Response[] = [];
    for (const family of families) {
      for (const id of ids) {
        for (const [, operation] of operationsOf(family)) answers.push(await operation(`${family}/${id}`));
      }
    }

    expect(answers).toHaveLength(ids.length * (operations.length + operationsOf(families[1]).length));
    for (const answer of answers) expectProblem(answer, 404);
    const reference = comparable(answers[0]);
    expect(reference).toEqual({
      type: 'https://tasknest.dev/problems/not-found',
      title: 'Not found',
      status: 404,
      detail: 'The task does not exist.',
      contentType: 'application/problem+json; charset=utf-8',
    });
    for (const answer of answers) expect(comparable(answer)).toEqual(reference);
    expect(await snapshot()).toEqual(before);
  });

  it('answers the same operations on her own task with 2xx, so the 404s above are not vacuous', async () => {
    const own = await createTask(t, alice, { title: 'Own' });
    for (const family of ['/api/v1/tasks', `/api/${alice.id}/tasks`]) {
      for (const [name, operation] of operationsOf(family).filter(([name]) => name !== 'DELETE')) {
        const response = await operation(`${family}/${own.id}`);
        expect({ name, status: response.status }).toEqual({ name, status: 200 });
      }
    }
    expect((await t.http().delete(`/api/v1/tasks/${own.id}`).set(asAlice())).status).toBe(204);
  });

  it('answers an invalid body with the same 400 whether the task is hers, foreign or unknown', async () => {
    const answers = await Promise.all(
      [aliceTask.id, bobTasks[0].id, randomUUID(), 'nope'].map((id) => t.http().put(`/api/v1/tasks/${id}`).set(asAlice()).send({ title: '' })),
    );
    for (const answer of answers) expectProblem(answer, 400);
    const [reference, ...others] = answers.map(comparable);
    for (const other of others) expect(other).toEqual(reference);
  });

  it("answers every seed route with another user's id, an unknown or malformed user id with the same 404, and creates nothing", async () => {
    const before = await snapshot();
    const answers: Response[] = [];
    for (const userId of [bob.id, bob.id.toUpperCase(), randomUUID(), 'me', 'v1x']) {
      const base = `/api/${userId}/tasks`;
      answers.push(await t.http().get(base).set(asAlice()));
      answers.push(await t.http().get(`${base}?q=secret`).set(asAlice()));
      answers.push(await t.http().post(base).set(asAlice()).send({ title: 'Planted' }));
      for (const id of [bobTasks[0].id, aliceTask.id]) {
        for (const [, operation] of operationsOf(base)) answers.push(await operation(`${base}/${id}`));
      }
    }

    for (const answer of answers) expectProblem(answer, 404);
    const [reference, ...others] = answers.map(comparable);
    for (const other of others) expect(other).toEqual(reference);
    expect(reference.detail).toBe('The task does not exist.');
    expect(await snapshot()).toEqual(before);
  });

  it("checks the seed route's user id before the body, so a foreign id with a bad body is still 404", async () => {
    const response = await t.http().post(`/api/${bob.id}/tasks`).set(asAlice()).send({ title: '', ownerId: bob.id });
    expectProblem(response, 404);
  });

  it("accepts the caller's own id in the seed path in any letter case", async () => {
    const response = await t.http().get(`/api/${alice.id.toUpperCase()}/tasks`).set(asAlice());
    expect(response.status).toBe(200);
  });

  it('never lists, counts, searches or sorts in a foreign task', async () => {
    const aliceIds = (await t.sql<{ id: string }>('SELECT id FROM tasks WHERE owner_id = $1', [alice.id])).map((row) => row.id).sort();
    const sorts = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'dueDate', '-dueDate', 'priority', '-priority', 'title', '-title'];
    const seedList = await t.http().get(`/api/${alice.id}/tasks`).set(asAlice());
    expect(seedList.body.map((task: { id: string }) => task.id).sort()).toEqual(aliceIds);
    expect(seedList.headers['x-total-count']).toBe(String(aliceIds.length));
    const base = '/api/v1/tasks';
    for (const sort of sorts) {
      const response = await t.http().get(`${base}?sort=${sort}&limit=100`).set(asAlice());
      expect(response.status).toBe(200);
      expect(response.body.data.map((task: TaskBody) => task.id).sort()).toEqual(aliceIds);
      expect(response.body.meta.total).toBe(aliceIds.length);
    }
    for (const query of ['q=secret', 'q=bob', 'q=impostor', 'priority=high', 'completed=true&q=aaa']) {
      const response = await t.http().get(`${base}?${query}`).set(asAlice());
      expect({ query, data: response.body.data, total: response.body.meta.total }).toEqual({ query, data: [], total: 0 });
    }
    const alicesOwn = await t.http().get(`${base}?q=alice`).set(asAlice());
    expect(alicesOwn.body.data.map((task: TaskBody) => task.title).sort()).toEqual(['Alice public', 'Alice second']);
  });
});
