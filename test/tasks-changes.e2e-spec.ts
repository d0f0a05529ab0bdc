import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TaskChangesService } from '../src/tasks/task-changes.service.js';
import { bearer, expectProblem, registerUser, type RegisteredUser } from './support/factories.js';
import { createTask, type TaskBody } from './support/tasks.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface UpsertChange {
  type: 'upsert';
  seq: number;
  task: TaskBody;
}
interface DeleteChange {
  type: 'delete';
  seq: number;
  id: string;
  deletedAt: string;
}
type Change = UpsertChange | DeleteChange;
interface ChangePage {
  changes: Change[];
  nextSince: string;
  hasMore: boolean;
}

describe('GET /api/v1/tasks/changes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  async function changes(user: RegisteredUser, query: Record<string, string | number> = {}): Promise<ChangePage> {
    const response = await t.http().get('/api/v1/tasks/changes').query(query).set(bearer(user.accessToken));
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    return response.body as ChangePage;
  }

  /** Follows `hasMore` to the end: everything after `since`, and the token to continue from. */
  async function drain(user: RegisteredUser, since: string | undefined, limit = 100): Promise<{ changes: Change[]; nextSince: string }> {
    const all: Change[] = [];
    let token = since;
    for (;;) {
      const page = await changes(user, token === undefined ? { limit } : { since: token, limit });
      all.push(...page.changes);
      token = page.nextSince;
      if (!page.hasMore) return { changes: all, nextSince: token };
    }
  }

  async function currentTasks(user: RegisteredUser): Promise<TaskBody[]> {
    const tasks: TaskBody[] = [];
    for (let page = 1; ; page += 1) {
      const response = await t.http().get('/api/v1/tasks').query({ page, limit: 100, sort: 'createdAt' }).set(bearer(user.accessToken));
      expect(response.status).toBe(200);
      tasks.push(...(response.body.data as TaskBody[]));
      if (page >= response.body.meta.totalPages) return tasks;
    }
  }

  /** Applies changes to a local copy, as an offline client would. */
  function apply(local: Map<string, TaskBody>, list: Change[]): void {
    for (const change of list) {
      if (change.type === 'upsert') local.set(change.task.id, change.task);
      else local.delete(change.id);
    }
  }

  const byId = (tasks: Iterable<TaskBody>) => [...tasks].sort((a, b) => a.id.localeCompare(b.id));

  it('gives the whole state as upserts without since, then only what changed, with tombstones for deletes', async () => {
    const user = await registerUser(t);
    const [a, b, c] = [await createTask(t, user, { title: 'a' }), await createTask(t, user, { title: 'b' }), await createTask(t, user, { title: 'c' })];

    const full = await changes(user);
    expect(full.hasMore).toBe(false);
    expect(full.changes).toEqual([
      { type: 'upsert', seq: 1, task: a },
      { type: 'upsert', seq: 2, task: b },
      { type: 'upsert', seq: 3, task: c },
    ]);
    expect(full.nextSince).toEqual(expect.any(String));

    const nothing = await changes(user, { since: full.nextSince });
    expect(nothing).toEqual({ changes: [], nextSince: full.nextSince, hasMore: false });

    const patched = await t.http().patch(`/api/v1/tasks/${a.id}`).set(bearer(user.accessToken)).send({ title: 'a2' });
    expect(patched.status).toBe(200);
    expect((await t.http().delete(`/api/v1/tasks/${b.id}`).set(bearer(user.accessToken))).status).toBe(204);
    const d = await createTask(t, user, { title: 'd' });
    const completed = await t.http().patch(`/api/v1/tasks/${a.id}/complete`).set(bearer(user.accessToken));
    expect(completed.status).toBe(200);
    const replaced = await t.http().put(`/api/v1/tasks/${c.id}`).set(bearer(user.accessToken)).send({ title: 'c2' });
    expect(replaced.status).toBe(200);

    const incremental = await changes(user, { since: full.nextSince });
    expect(incremental.hasMore).toBe(false);
    expect(incremental.changes).toEqual([
      { type: 'delete', seq: 5, id: b.id, deletedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      { type: 'upsert', seq: 6, task: d },
      { type: 'upsert', seq: 7, task: completed.body },
      { type: 'upsert', seq: 8, task: replaced.body },
    ]);
    const [tombstone] = await t.sql('SELECT task_id, seq::int AS seq FROM task_tombstones WHERE owner_id = $1', [user.id]);
    expect(tombstone).toEqual({ task_id: b.id, seq: 5 });
    const [counter] = await t.sql('SELECT last_seq::int AS last_seq, purged_seq::int AS purged_seq FROM task_change_counters WHERE owner_id = $1', [user.id]);
    expect(counter).toEqual({ last_seq: 8, purged_seq: 0 });

    // A full sync again: only the live tasks, no tombstones.
    const again = await drain(user, undefined, 2);
    expect(again.changes.map((change) => change.type)).toEqual(['upsert', 'upsert', 'upsert']);
    const local = new Map<string, TaskBody>();
    apply(local, again.changes);
    expect(byId(local.values())).toEqual(byId(await currentTasks(user)));
    expect(await changes(user, { since: again.nextSince })).toEqual({ changes: [], nextSince: again.nextSince, hasMore: false });
  });

  it('pages with limit and hasMore, never skipping or repeating a change', async () => {
    const user = await registerUser(t);
    for (let i = 0; i < 5; i += 1) await createTask(t, user, { title: `task ${i}` });
    const first = await changes(user, { limit: 2 });
    expect(first.changes.map((change) => change.seq)).toEqual([1, 2]);
    expect(first.hasMore).toBe(true);
    const second = await changes(user, { since: first.nextSince, limit: 2 });
    expect(second.changes.map((change) => change.seq)).toEqual([3, 4]);
    expect(second.hasMore).toBe(true);
    const third = await changes(user, { since: second.nextSince, limit: 2 });
    expect(third.changes.map((change) => change.seq)).toEqual([5]);
    expect(third.hasMore).toBe(false);
  });

  it('records the writes of the seed routes too', async () => {
    const user = await registerUser(t);
    const start = await changes(user);
    const created = await t.http().post(`/api/${user.id}/tasks`).set(bearer(user.accessToken)).send({ title: 'seed' });
    expect(created.status).toBe(201);
    const updated = await t.http().put(`/api/${user.id}/tasks/${created.body.id}`).set(bearer(user.accessToken)).send({ title: 'seed', completed: true });
    expect(updated.status).toBe(200);
    const afterUpdate = await changes(user, { since: start.nextSince });
    expect(afterUpdate.changes).toEqual([{ type: 'upsert', seq: 2, task: expect.objectContaining({ id: created.body.id, title: 'seed', completed: true }) }]);
    // 200 with a message in the seed's own dialect, 204 before the seed routes spoke it.
    expect([200, 204]).toContain((await t.http().delete(`/api/${user.id}/tasks/${created.body.id}`).set(bearer(user.accessToken))).status);
    const afterDelete = await changes(user, { since: afterUpdate.nextSince });
    expect(afterDelete.changes).toEqual([{ type: 'delete', seq: 3, id: created.body.id, deletedAt: expect.any(String) }]);
  });

  it('takes no change number for a write that changes nothing (404, 412)', async () => {
    const user = await registerUser(t);
    const task = await createTask(t, user);
    const stale = await t.http().patch(`/api/v1/tasks/${task.id}`).set(bearer(user.accessToken)).set('If-Match', '"stale"').send({ title: 'x' });
    expect(stale.status).toBe(412);
    const missing = await t.http().delete('/api/v1/tasks/00000000-0000-4000-8000-000000000000').set(bearer(user.accessToken));
    expect(missing.status).toBe(404);
    const [counter] = await t.sql('SELECT last_seq::int AS last_seq FROM task_change_counters WHERE owner_id = $1', [user.id]);
    expect(counter).toEqual({ last_seq: 1 });
  });

  it("rejects another user's token, a tampered one and a bad limit with 400", async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    await createTask(t, alice);
    const { nextSince } = await changes(alice);
    const foreign = await t.http().get('/api/v1/tasks/changes').query({ since: nextSince }).set(bearer(bob.accessToken));
    expectProblem(foreign, 400);
    expect(foreign.body.errors).toEqual([{ field: 'since', message: expect.any(String) }]);
    const [version, seq, signature] = nextSince.split('.');
    const tampered = `${version}.${(parseInt(seq, 36) + 1).toString(36)}.${signature}`;
    expectProblem(await t.http().get('/api/v1/tasks/changes').query({ since: tampered }).set(bearer(alice.accessToken)), 400);
    expectProblem(await t.http().get('/api/v1/tasks/changes').query({ since: 'garbage' }).set(bearer(alice.accessToken)), 400);
    for (const limit of ['0', '501', 'x']) expectProblem(await t.http().get('/api/v1/tasks/changes').query({ limit }).set(bearer(alice.accessToken)), 400);
    expectProblem(await t.http().get('/api/v1/tasks/changes').query({ other: '1' }).set(bearer(alice.accessToken)), 400);
    expect((await t.http().get('/api/v1/tasks/changes').query({ limit: 500 }).set(bearer(alice.accessToken))).status).toBe(200);
    expectProblem(await t.http().get('/api/v1/tasks/changes'), 401);
  });

  it('never shows another user any change', async () => {
    const alice = await registerUser(t);
    const bob = await registerUser(t);
    const mine = await createTask(t, alice);
    const theirs = await createTask(t, bob);
    expect((await t.http().delete(`/api/v1/tasks/${theirs.id}`).set(bearer(bob.accessToken))).status).toBe(204);
    const page = await changes(alice);
    expect(page.changes).toEqual([{ type: 'upsert', seq: 1, task: mine }]);
    const tokenBeforeBob = page.nextSince;
    await createTask(t, bob);
    expect((await changes(alice, { since: tokenBeforeBob })).changes).toEqual([]);
  });

  it('answers 410 sync-token-expired once a delete after the token was purged, and a fresh sync works', async () => {
    const user = await registerUser(t);
    const doomed = await createTask(t, user);
    const kept = await createTask(t, user);
    const before = await changes(user);
    expect((await t.http().delete(`/api/v1/tasks/${doomed.id}`).set(bearer(user.accessToken))).status).toBe(204);
    const afterDelete = await changes(user, { since: before.nextSince });
    expect(afterDelete.changes).toEqual([{ type: 'delete', seq: 3, id: doomed.id, deletedAt: expect.any(String) }]);

    // The tombstone is older than TASK_TOMBSTONE_TTL (30 days by default).
    await t.sql(`UPDATE task_tombstones SET deleted_at = now() - interval '31 days' WHERE owner_id = $1`, [user.id]);
    expect(await t.app.get(TaskChangesService).purgeTombstones()).toBeGreaterThanOrEqual(1);
    expect(await t.sql('SELECT 1 FROM task_tombstones WHERE owner_id = $1', [user.id])).toEqual([]);
    const [counter] = await t.sql('SELECT purged_seq::int AS purged_seq FROM task_change_counters WHERE owner_id = $1', [user.id]);
    expect(counter).toEqual({ purged_seq: 3 });

    const expired = await t.http().get('/api/v1/tasks/changes').query({ since: before.nextSince }).set(bearer(user.accessToken));
    expectProblem(expired, 410);
    expect(expired.body.type).toMatch(/\/sync-token-expired$/);
    // A token taken after the purged delete is still good.
    expect((await changes(user, { since: afterDelete.nextSince })).changes).toEqual([]);
    // Starting over without since gives the state, and a token that works.
    const fresh = await changes(user);
    expect(fresh.changes).toEqual([{ type: 'upsert', seq: 2, task: kept }]);
    expect((await changes(user, { since: fresh.nextSince })).changes).toEqual([]);
  });

  it('keeps tombstones younger than the TTL', async () => {
    const user = await registerUser(t);
    const task = await createTask(t, user);
    expect((await t.http().delete(`/api/v1/tasks/${task.id}`).set(bearer(user.accessToken))).status).toBe(204);
    await t.sql(`UPDATE task_tombstones SET deleted_at = now() - interval '29 days' WHERE owner_id = $1`, [user.id]);
    await t.app.get(TaskChangesService).purgeTombstones();
    expect(await t.sql('SELECT task_id FROM task_tombstones WHERE owner_id = $1', [user.id])).toEqual([{ task_id: task.id }]);
  });

  it('ends with exactly the server state while 10 writers race a polling reader (3 rounds)', async () => {
    for (let round = 0; round < 3; round += 1) {
      const user = await registerUser(t);
      const seeded = await Promise.all(Array.from({ length: 10 }, (_, i) => createTask(t, user, { title: `seed ${i}` })));
      const local = new Map<string, TaskBody>();
      let since: string | undefined;
      let writersDone = false;

      const writer = async (index: number): Promise<void> => {
        const mine: string[] = [seeded[index].id];
        for (let step = 0; step < 6; step += 1) {
          const id = mine[step % mine.length];
          const auth = bearer(user.accessToken);
          switch (step % 4) {
            case 0:
              mine.push((await createTask(t, user, { title: `w${index} s${step}` })).id);
              break;
            case 1:
              expect((await t.http().patch(`/api/v1/tasks/${id}`).set(auth).send({ title: `w${index} p${step}` })).status).toBe(200);
              break;
            case 2:
              expect((await t.http().patch(`/api/v1/tasks/${id}/complete`).set(auth)).status).toBe(200);
              break;
            default: {
              const victim = mine.shift();
              expect((await t.http().delete(`/api/v1/tasks/${victim}`).set(auth)).status).toBe(204);
              if (mine.length === 0) mine.push((await createTask(t, user)).id);
            }
          }
        }
      };
      const reader = async (): Promise<void> => {
        for (;;) {
          const finished = writersDone;
          const page = await drain(user, since, 7);
          apply(local, page.changes);
          since = page.nextSince;
          if (finished) return;
        }
      };

      const readerDone = reader();
      await Promise.all(Array.from({ length: 10 }, (_, i) => writer(i)));
      writersDone = true;
      await readerDone;
      expect(byId(local.values())).toEqual(byId(await currentTasks(user)));
    }
  }, 180_000);

  it('numbers a task inserted around the API too (seeding scripts), so the feed still shows it', async () => {
    const user = await registerUser(t);
    const first = await createTask(t, user);
    const { nextSince } = await changes(user);
    await t.sql(`INSERT INTO tasks (owner_id, title) VALUES ($1, 'seeded')`, [user.id]);
    const page = await changes(user, { since: nextSince });
    expect(page.changes).toEqual([{ type: 'upsert', seq: 2, task: expect.objectContaining({ title: 'seeded' }) }]);
    expect((await changes(user)).changes.map((change) => change.seq)).toEqual([1, 2]);
    expect(first.title).toBe('A task');
  });

  it('deleting the account deletes its change log', async () => {
    const user = await registerUser(t);
    const task = await createTask(t, user);
    expect((await t.http().delete(`/api/v1/tasks/${task.id}`).set(bearer(user.accessToken))).status).toBe(204);
    expect((await t.http().delete('/api/v1/users/me').set(bearer(user.accessToken)).send({ password: user.password })).status).toBe(204);
    expect(await t.sql('SELECT 1 FROM task_change_counters WHERE owner_id = $1', [user.id])).toEqual([]);
    expect(await t.sql('SELECT 1 FROM task_tombstones WHERE owner_id = $1', [user.id])).toEqual([]);
  });
});
