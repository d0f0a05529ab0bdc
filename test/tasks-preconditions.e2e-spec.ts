import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { itOnPostgres } from './support/eventually.js';
import { bearer, expectProblem, registerUser, type RegisteredUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const STRONG_ETAG = /^"[\x21\x23-\x7E]+"$/;

describe('tasks: ETag, If-Match and If-None-Match', () => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    alice = await registerUser(t);
    bob = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const asAlice = () => bearer(alice.accessToken);
  const families = () => [
    ['/api/v1/tasks', 'v1'],
    [`/api/${alice.id}/tasks`, 'seed'],
  ];
  const row = async (id: string) => {
    const [found] = await t.sql('SELECT * FROM tasks WHERE id = $1', [id]);
    return found;
  };
  const newTask = async () => {
    const response = await t.http().post('/api/v1/tasks').set(asAlice()).send({ title: 'Versioned', description: 'v1' });
    expect(response.status).toBe(201);
    return { id: response.body.id as string, etag: response.headers.etag as string };
  };

  type Write = [string, (url: string, etag?: string) => PromiseLike<Response>];
  const writes: Write[] = [
    ['PUT', (url, etag) => withIfMatch(t.http().put(url).set(asAlice()), etag).send({ title: 'Put' })],
    ['PATCH', (url, etag) => withIfMatch(t.http().patch(url).set(asAlice()), etag).send({ description: 'patched' })],
    ['PATCH …/complete', (url, etag) => withIfMatch(t.http().patch(`${url}/complete`).set(asAlice()), etag)],
    ['DELETE', (url, etag) => withIfMatch(t.http().delete(url).set(asAlice()), etag)],
  ];
  // The seed dialect has no PATCH on a task (its PUT is partial), and its DELETE answers 200 with a message.
  const writesOf = (base: string) => (base.startsWith('/api/v1/') ? writes : writes.filter(([name]) => name !== 'PATCH'));
  const deletedStatus = (base: string) => (base.startsWith('/api/v1/') ? 204 : 200);
  function withIfMatch<T extends { set(name: string, value: string): T }>(request: T, etag: string | undefined): T {
    return etag === undefined ? request : request.set('If-Match', etag);
  }

  it('puts a strong ETag on every single-task response of both route families, the same for the same version', async () => {
    const created = await t.http().post('/api/v1/tasks').set(asAlice()).send({ title: 'Tagged' });
    expect(created.headers.etag).toMatch(STRONG_ETAG);
    const seedCreated = await t.http().post(`/api/${alice.id}/tasks`).set(asAlice()).send({ title: 'Tagged too' });
    expect(seedCreated.headers.etag).toMatch(STRONG_ETAG);

    for (const [base] of families()) {
      const read = await t.http().get(`${base}/${created.body.id}`).set(asAlice());
      expect(read.headers.etag).toBe(created.headers.etag);
    }
    const list = await t.http().get('/api/v1/tasks').set(asAlice());
    expect(list.headers.etag).toBeUndefined();
  });

  it('changes the ETag on every write path, including one that sends the values the task already has, and never on a read', async () => {
    const task = await newTask();
    const seen = [task.etag];
    const steps: [string, () => PromiseLike<Response>][] = [
      ['GET', () => t.http().get(`/api/v1/tasks/${task.id}`).set(asAlice())],
      ['PUT', () => t.http().put(`/api/v1/tasks/${task.id}`).set(asAlice()).send({ title: 'Put' })],
      ['PATCH', () => t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).send({ priority: 'high' })],
      ['PATCH with the same values', () => t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).send({ priority: 'high' })],
      ['PATCH {}', () => t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).send({})],
      ['toggle', () => t.http().patch(`/api/v1/tasks/${task.id}/complete`).set(asAlice())],
      ['set', () => t.http().patch(`/api/v1/tasks/${task.id}/complete`).set(asAlice()).send({ completed: false })],
      ['seed PUT', () => t.http().put(`/api/${alice.id}/tasks/${task.id}`).set(asAlice()).send({ title: 'Seed' })],
      ['GET again', () => t.http().get(`/api/${alice.id}/tasks/${task.id}`).set(asAlice())],
    ];
    for (const [name, step] of steps) {
      const response = await step();
      expect({ name, status: response.status }).toEqual({ name, status: 200 });
      expect(response.headers.etag).toMatch(STRONG_ETAG);
      if (name.startsWith('GET')) {
        expect({ name, etag: response.headers.etag }).toEqual({ name, etag: seen[seen.length - 1] });
      } else {
        expect({ name, isNew: !seen.includes(response.headers.etag) }).toEqual({ name, isNew: true });
        seen.push(response.headers.etag);
      }
    }
    expect((await row(task.id)).version).toBe(8);
  });

  it.each(['PUT', 'PATCH', 'PATCH …/complete', 'DELETE'])('answers %s with a stale If-Match with 412 on each family that has it, changing nothing', async (name) => {
    const [, write] = writes.find(([candidate]) => candidate === name) ?? writes[0];
    for (const [base] of families().filter(([base]) => writesOf(base).some(([candidate]) => candidate === name))) {
      const task = await newTask();
      const changed = await t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).send({ title: 'Moved on' });
      const before = await row(task.id);

      const response = await write(`${base}/${task.id}`, task.etag);

      expectProblem(response, 412);
      expect({ name, type: response.body.type }).toEqual({ name, type: 'https://tasknest.dev/problems/precondition-failed' });
      expect(await row(task.id)).toEqual(before);
      expect(before.version).toBe(2);

      const current = await write(`${base}/${task.id}`, changed.headers.etag);
      expect({ name, status: current.status }).toEqual({ name, status: name === 'DELETE' ? deletedStatus(base) : 200 });
    }
  });

  it('lets a write through without If-Match, with If-Match: *, and with a list holding the current tag', async () => {
    const task = await newTask();
    const unconditional = await t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).send({ title: 'a' });
    expect(unconditional.status).toBe(200);
    const star = await t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).set('If-Match', '*').send({ title: 'b' });
    expect(star.status).toBe(200);
    const list = await t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).set('If-Match', `"nope", ${task.etag}, ${star.headers.etag}`).send({ title: 'c' });
    expect(list.status).toBe(200);
    expect((await row(task.id)).title).toBe('c');
  });

  it.each([
    ['a weak tag of the current version', (etag: string) => `W/${etag}`],
    ['an unquoted tag', (etag: string) => etag.replaceAll('"', '')],
    ['garbage', () => 'garbage'],
    ['an empty value', () => ''],
  ])('treats %s in If-Match as not matching', async (_label, make) => {
    const task = await newTask();
    const response = await t.http().put(`/api/v1/tasks/${task.id}`).set(asAlice()).set('If-Match', make(task.etag)).send({ title: 'no' });
    expectProblem(response, 412);
    expect((await row(task.id)).version).toBe(1);
  });

  it("treats the ETag of another of the caller's tasks as stale", async () => {
    const task = await newTask();
    const other = await newTask();
    const response = await t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).set('If-Match', other.etag).send({ title: 'no' });
    expectProblem(response, 412);
  });

  it("answers a foreign, unknown or malformed id with 404, never 412, whatever the If-Match, and changes nothing", async () => {
    const bobsTask = await t.http().post('/api/v1/tasks').set(bearer(bob.accessToken)).send({ title: "Bob's" });
    const before = await t.sql('SELECT * FROM tasks ORDER BY id');
    const answers: Response[] = [];
    for (const [base] of families()) {
      for (const id of [bobsTask.body.id, randomUUID(), 'not-a-uuid']) {
        for (const etag of [bobsTask.headers.etag, '"v1-00000000"', '*']) {
          for (const [, write] of writesOf(base)) answers.push(await write(`${base}/${id}`, etag));
        }
      }
    }
    for (const answer of answers) expectProblem(answer, 404);
    expect(new Set(answers.map((answer) => answer.body.detail))).toEqual(new Set(['The task does not exist.']));
    expect(await t.sql('SELECT * FROM tasks ORDER BY id')).toEqual(before);
  });

  describe('If-None-Match on GET', () => {
    it('answers 304 with the ETag and no body while the tag is current, on both families', async () => {
      const task = await newTask();
      for (const [base] of families()) {
        for (const header of [task.etag, `W/${task.etag}`, `"other", ${task.etag}`, '*']) {
          const response = await t.http().get(`${base}/${task.id}`).set(asAlice()).set('If-None-Match', header);
          expect({ header, status: response.status }).toEqual({ header, status: 304 });
          expect(response.headers.etag).toBe(task.etag);
          expect(response.text).toBe('');
          expect(response.headers['content-length'] ?? '0').toBe('0');
        }
      }
    });

    it('answers 200 with the body once the task has changed', async () => {
      const task = await newTask();
      await t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).send({ title: 'Changed' });
      const response = await t.http().get(`/api/v1/tasks/${task.id}`).set(asAlice()).set('If-None-Match', task.etag);
      expect(response.status).toBe(200);
      expect(response.body.title).toBe('Changed');
      expect(response.headers.etag).not.toBe(task.etag);
    });

    it("answers 404, not 304, for another user's task with its ETag", async () => {
      const bobsTask = await t.http().post('/api/v1/tasks').set(bearer(bob.accessToken)).send({ title: "Bob's" });
      const response = await t.http().get(`/api/v1/tasks/${bobsTask.body.id}`).set(asAlice()).set('If-None-Match', bobsTask.headers.etag);
      expectProblem(response, 404);
    });
  });

  it('lets exactly one of three concurrent writes from one version through; the others get 412', async () => {
    const task = await newTask();
    const responses = await Promise.all([
      t.http().put(`/api/v1/tasks/${task.id}`).set(asAlice()).set('If-Match', task.etag).send({ title: 'PUT wins' }),
      t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).set('If-Match', task.etag).send({ title: 'PATCH wins' }),
      t.http().patch(`/api/${alice.id}/tasks/${task.id}/complete`).set(asAlice()).set('If-Match', task.etag),
    ]);

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([200, 412, 412]);
    const winner = responses.find((response) => response.status === 200);
    const stored = await row(task.id);
    expect(stored.version).toBe(2);
    expect(stored.title).toBe(winner?.body.title);
    expect(stored.completed).toBe(winner?.body.completed);
  });

  itOnPostgres('keeps one winner per version under real concurrency, round after round', async () => {
    const task = await newTask();
    let etag = task.etag;
    for (let round = 0; round < 10; round++) {
      const responses = await Promise.all(
        Array.from({ length: 6 }, (_, writer) => t.http().patch(`/api/v1/tasks/${task.id}`).set(asAlice()).set('If-Match', etag).send({ title: `round ${round} writer ${writer}` })),
      );
      const winners = responses.filter((response) => response.status === 200);
      expect(winners).toHaveLength(1);
      expect(responses.filter((response) => response.status === 412)).toHaveLength(5);
      etag = winners[0].headers.etag;
      expect((await row(task.id)).title).toBe(winners[0].body.title);
    }
    expect((await row(task.id)).version).toBe(11);
  });
});
