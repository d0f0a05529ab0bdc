import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, registerUser, type RegisteredUser } from './support/factories.js';
import { createTask, type TaskBody } from './support/tasks.js';
import { createTestApp, type TestApp } from './support/test-app.js';

const SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'dueDate', '-dueDate', 'priority', '-priority', 'title', '-title'] as const;
type Sort = (typeof SORTS)[number];
const RANK = { low: 0, medium: 1, high: 2 } as const;

/** A task's sort keys as the database holds them (timestamps to the microsecond). */
interface Keys {
  id: string;
  created: string;
  updated: string;
  due: string | null;
  priority: 'low' | 'medium' | 'high';
  title: string;
  completed: boolean;
}

const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

/** The full order of a sort, computed here from the keys rather than by the server: id breaks ties, no dueDate comes last both ways. */
function ordered(keys: Keys[], sort: Sort): string[] {
  const descending = sort.startsWith('-');
  const field = sort.replace('-', '');
  const sign = descending ? -1 : 1;
  return [...keys]
    .sort((a, b) => {
      let byKey: number;
      if (field === 'dueDate') {
        if (a.due === null || b.due === null) byKey = a.due === b.due ? 0 : a.due === null ? 1 : -1;
        else byKey = sign * compare(a.due, b.due);
        return byKey !== 0 ? byKey : sign * compare(a.id, b.id);
      }
      if (field === 'createdAt') byKey = compare(a.created, b.created);
      else if (field === 'updatedAt') byKey = compare(a.updated, b.updated);
      else if (field === 'priority') byKey = compare(RANK[a.priority], RANK[b.priority]);
      else byKey = compare(a.title.toLowerCase(), b.title.toLowerCase());
      return sign * (byKey !== 0 ? byKey : compare(a.id, b.id));
    })
    .map((key) => key.id);
}

describe('tasks: cursor pages', () => {
  let t: TestApp;
  let alice: RegisteredUser;
  let bob: RegisteredUser;

  const list = (user: RegisteredUser, query: Record<string, string | number | boolean>) => t.http().get('/api/v1/tasks').query(query).set(bearer(user.accessToken));

  async function keysOf(user: RegisteredUser): Promise<Keys[]> {
    const format = `'YYYY-MM-DD HH24:MI:SS.US'`;
    return t.sql<Record<string, unknown>>(
      `SELECT id, to_char(created_at AT TIME ZONE 'UTC', ${format}) AS created, to_char(updated_at AT TIME ZONE 'UTC', ${format}) AS updated,
              to_char(due_date AT TIME ZONE 'UTC', ${format}) AS due, priority::text AS priority, title, completed
         FROM tasks WHERE owner_id = $1`,
      [user.id],
    ) as Promise<unknown> as Promise<Keys[]>;
  }

  /**
   * Walks a listing: the default page first, then by cursor until nextCursor is null; checks meta
   * and the Link header of every answer. `between` runs after each page (writes between pages).
   */
  async function walk(user: RegisteredUser, query: Record<string, string | number | boolean>, limit: number, between?: (seen: TaskBody[]) => Promise<void>): Promise<TaskBody[]> {
    const seen: TaskBody[] = [];
    let cursor: string | null = null;
    for (let request = 0; request < 200; request++) {
      const response = await list(user, cursor === null ? { ...query, limit } : { ...query, limit, cursor });
      expect(response.status).toBe(200);
      const { data, meta } = response.body as { data: TaskBody[]; meta: Record<string, unknown> };
      expect(data.length).toBeLessThanOrEqual(limit);
      if (cursor === null) expect(meta).toEqual({ page: 1, limit, total: expect.any(Number), totalPages: expect.any(Number), nextCursor: meta.nextCursor });
      else expect(meta).toEqual({ limit, nextCursor: meta.nextCursor });
      seen.push(...data);
      const next = meta.nextCursor as string | null;
      if (next === null) {
        expect(response.headers.link).toBeUndefined();
        return seen;
      }
      expect(typeof next).toBe('string');
      const expectedLink = new URLSearchParams(Object.entries({ ...query, limit, cursor: next }).map(([name, value]): [string, string] => [name, String(value)]));
      const link = /^<([^>]+)>; rel="next"$/.exec(String(response.headers.link));
      expect(link).not.toBeNull();
      const url = new URL(link?.[1] ?? '', 'http://x');
      expect(url.pathname).toBe('/api/v1/tasks');
      expect(Object.fromEntries(url.searchParams)).toEqual(Object.fromEntries(expectedLink));
      cursor = next;
      if (between) await between(seen);
    }
    throw new Error('the walk did not end');
  }

  beforeAll(async () => {
    t = await createTestApp();
    [alice, bob] = [await registerUser(t), await registerUser(t)];
    const titles = ['Alpha', 'alpha', 'ALPHA', 'Beta', 'beta', 'gamma', 'Delta', 'delta', 'epsilon'];
    const dues = [null, '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', null, '2026-11-15T10:00:00.000Z', '2027-01-01T00:00:00.000Z'];
    const priorities = ['low', 'medium', 'high', 'medium'] as const;
    for (let index = 0; index < 26; index++) {
      await createTask(t, alice, {
        title: titles[index % titles.length],
        description: index % 5 === 0 ? 'water the plants' : null,
        priority: priorities[index % priorities.length],
        dueDate: dues[index % dues.length],
        completed: index % 3 === 0,
      });
    }
    // Ties: four distinct createdAt (to the microsecond) and three updatedAt shared by many tasks.
    await t.sql(
      `UPDATE tasks SET created_at = timestamptz '2026-01-01 00:00:00.123456+00' + (ascii(right(id::text, 1)) % 4) * interval '1 microsecond',
                        updated_at = timestamptz '2026-02-01 00:00:00.654321+00' + (ascii(left(id::text, 1)) % 3) * interval '1 second'
        WHERE owner_id = $1`,
      [alice.id],
    );
    await createTask(t, bob, { title: 'Bob task' });
  });

  afterAll(async () => {
    await t.close();
  });

  it.each(SORTS)('walks sort=%s by cursor in exactly the full order', async (sort) => {
    const expected = ordered(await keysOf(alice), sort);
    expect((await walk(alice, { sort }, 4)).map((task) => task.id)).toEqual(expected);
  });

  it('walks with limit 1 and with a limit covering everything', async () => {
    const expected = ordered(await keysOf(alice), '-dueDate');
    expect((await walk(alice, { sort: '-dueDate' }, 1)).map((task) => task.id)).toEqual(expected);
    const all = await list(alice, { sort: '-dueDate', limit: 100 });
    expect(all.body.meta.nextCursor).toBeNull();
    expect(all.headers.link).toBeUndefined();
  });

  it.each([
    [{ completed: true }, (key: Keys) => key.completed],
    [{ completed: false, priority: 'medium' }, (key: Keys) => !key.completed && key.priority === 'medium'],
    [{ q: 'ALPH' }, (key: Keys) => key.title.toLowerCase().includes('alph')],
  ])('keeps the filters %j on every cursor page', async (filters, matches) => {
    for (const sort of ['title', '-dueDate', 'priority'] as const) {
      const expected = ordered((await keysOf(alice)).filter(matches), sort);
      expect(expected.length).toBeGreaterThan(2);
      expect((await walk(alice, { ...filters, sort }, 2)).map((task) => task.id)).toEqual(expected);
    }
  });

  it('never skips or repeats a remaining task when tasks are deleted and created between pages', async () => {
    const user = await registerUser(t);
    for (let index = 0; index < 12; index++) await createTask(t, user, { title: `task ${index}`, dueDate: index % 2 === 0 ? null : '2026-12-01T00:00:00.000Z' });
    // Everything at one createdAt: only the id orders them.
    await t.sql(`UPDATE tasks SET created_at = timestamptz '2025-06-01 12:00:00.000001+00' WHERE owner_id = $1`, [user.id]);
    for (const sort of ['createdAt', '-createdAt', 'dueDate', '-dueDate'] as const) {
      const before = ordered(await keysOf(user), sort);
      const deleted = new Set<string>();
      const created = new Set<string>();
      let round = 0;
      const seen = await walk(user, { sort }, 3, async (soFar) => {
        round++;
        const seenIds = new Set(soFar.map((task) => task.id));
        const last = soFar[soFar.length - 1].id;
        const unseen = before.filter((id) => !seenIds.has(id) && !deleted.has(id));
        // Delete the task the cursor stands on, a task not reached yet and, later, one already seen.
        const victims = round === 1 ? [last, unseen[unseen.length - 1]] : round === 2 ? [soFar[0].id] : [];
        for (const id of victims) {
          if (id === undefined || deleted.has(id)) continue;
          expect((await t.http().delete(`/api/v1/tasks/${id}`).set(bearer(user.accessToken))).status).toBe(204);
          deleted.add(id);
        }
        created.add((await createTask(t, user, { title: `new ${sort} ${round}` })).id);
      });
      const ids = seen.map((task) => task.id);
      expect(new Set(ids).size).toBe(ids.length);
      const remaining = before.filter((id) => !deleted.has(id));
      for (const id of remaining) expect(ids).toContain(id);
      // The walk shows the tasks there from start to end in order; new ones may or may not appear.
      expect(ids.filter((id) => !created.has(id) && remaining.includes(id))).toEqual(remaining.filter((id) => ids.includes(id)));
      for (const id of ids) expect(before.includes(id) || created.has(id)).toBe(true);
      for (const id of created) await t.http().delete(`/api/v1/tasks/${id}`).set(bearer(user.accessToken));
      for (const id of deleted) expect(await t.sql('SELECT 1 FROM tasks WHERE id = $1', [id])).toEqual([]);
      const restore = [...deleted].length;
      for (let index = 0; index < restore; index++) await createTask(t, user, { title: `refill ${sort} ${index}` });
      await t.sql(`UPDATE tasks SET created_at = timestamptz '2025-06-01 12:00:00.000001+00' WHERE owner_id = $1`, [user.id]);
    }
  });

  it('counts in cursor mode only with withTotal=true', async () => {
    const first = await list(alice, { sort: 'title', limit: 5 });
    expect(first.body.meta).toEqual({ page: 1, limit: 5, total: 26, totalPages: 6, nextCursor: expect.any(String) });
    const cursor = first.body.meta.nextCursor as string;
    const plain = await list(alice, { sort: 'title', limit: 5, cursor });
    expect(plain.status).toBe(200);
    expect(plain.body.meta).toEqual({ limit: 5, nextCursor: expect.any(String) });
    const counted = await list(alice, { sort: 'title', limit: 5, cursor, withTotal: true });
    expect(counted.body).toEqual({ data: plain.body.data, meta: { limit: 5, total: 26, nextCursor: plain.body.meta.nextCursor } });
    // Page mode counts anyway, and the same cursor follows page 1 as follows the offset page 1.
    expect((await list(alice, { sort: 'title', limit: 5, page: 2 })).body.data).toEqual(plain.body.data);
    expectProblem(await list(alice, { sort: 'title', cursor, withTotal: 'yes' }), 400);
  });

  it('follows the Link header of a page-mode answer', async () => {
    const first = await list(alice, { sort: '-priority', limit: 7, completed: false });
    const link = /^<([^>]+)>; rel="next"$/.exec(String(first.headers.link));
    expect(link).not.toBeNull();
    const next = await t.http().get(link?.[1] ?? '').set(bearer(alice.accessToken));
    expect(next.status).toBe(200);
    expect(next.body.data).toEqual((await list(alice, { sort: '-priority', limit: 7, completed: false, page: 2 })).body.data);
  });

  describe('refuses with 400', () => {
    let cursor: string;

    beforeAll(async () => {
      cursor = (await list(alice, { sort: 'createdAt', limit: 3, completed: true })).body.meta.nextCursor as string;
      expect(typeof cursor).toBe('string');
      expect((await list(alice, { sort: 'createdAt', limit: 3, completed: true, cursor })).status).toBe(200);
    });

    const flip = (text: string, at: number) => text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);

    it('page together with cursor, even page=1', async () => {
      for (const page of [1, 2]) {
        const response = await list(alice, { sort: 'createdAt', limit: 3, completed: true, cursor, page });
        expectProblem(response, 400);
        expect(response.body.type).toMatch(/page-and-cursor$/);
      }
    });

    it.each([
      ['a tampered signature', (c: string) => flip(c, c.length - 3)],
      ['a tampered position', (c: string) => flip(c, 5)],
      ['garbage', () => 'not-a-cursor'],
      ['an empty cursor', () => ''],
      ['a cursor of the changes feed', () => 'v1.1.AAAAAAAAAAAAAAAAAAAAAA'],
    ])('%s', async (_name, change) => {
      const response = await list(alice, { sort: 'createdAt', limit: 3, completed: true, cursor: change(cursor) });
      expectProblem(response, 400);
    });

    it('another user’s cursor', async () => {
      expectProblem(await list(bob, { sort: 'createdAt', limit: 3, completed: true, cursor }), 400);
    });

    it.each([
      ['another sort', { sort: '-createdAt', completed: true }],
      ['the default sort', { completed: true }],
      ['other filters', { sort: 'createdAt', completed: false }],
      ['a filter left out', { sort: 'createdAt' }],
      ['a filter added', { sort: 'createdAt', completed: true, priority: 'high' }],
      ['a search added', { sort: 'createdAt', completed: true, q: 'alpha' }],
    ])('a cursor used with %s', async (_name, query) => {
      const response = await list(alice, { ...query, limit: 3, cursor });
      expectProblem(response, 400);
      expect(response.body.type).toMatch(/invalid-cursor$/);
    });

    it('a repeated cursor', async () => {
      const response = await t.http().get(`/api/v1/tasks?sort=createdAt&completed=true&cursor=${cursor}&cursor=${cursor}`).set(bearer(alice.accessToken));
      expectProblem(response, 400);
    });
  });
});
