import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, registerUser, type RegisteredUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createTask, type TaskBody } from './support/tasks.js';

const RANK = { low: 0, medium: 1, high: 2 } as const;
const byId = (a: TaskBody, b: TaskBody) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe('tasks: list, filter, search, sort, page', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const list = (user: RegisteredUser, query = '') => t.http().get(`/api/v1/tasks${query}`).set(bearer(user.accessToken));
  const ids = (tasks: TaskBody[]) => tasks.map((task) => task.id);

  /** Every page of a listing, walked with the given page size. */
  async function walk(user: RegisteredUser, query: string, limit: number): Promise<TaskBody[]> {
    const seen: TaskBody[] = [];
    for (let page = 1; ; page++) {
      const response = await list(user, `?${query}&limit=${limit}&page=${page}`);
      expect(response.status).toBe(200);
      if (response.body.data.length === 0) {
        expect(page).toBe(response.body.meta.totalPages + 1);
        return seen;
      }
      seen.push(...response.body.data);
    }
  }

  describe('a small known set', () => {
    let user: RegisteredUser;
    let tasks: TaskBody[];

    beforeAll(async () => {
      user = await registerUser(t);
      const bodies = [
        { title: 'banana', priority: 'low', dueDate: '2026-12-03T00:00:00Z' },
        { title: 'Apple', priority: 'high', completed: true },
        { title: 'cherry', priority: 'medium', dueDate: '2026-12-01T00:00:00Z', description: 'WATER the garden' },
        { title: 'apricot', priority: 'high', dueDate: '2026-12-02T00:00:00Z' },
        { title: '100% done', priority: 'low', completed: true },
        { title: 'under_score', priority: 'medium' },
        { title: 'back\\slash', priority: 'medium', description: 'Watering can' },
      ];
      tasks = [];
      // One at a time, so createdAt follows this order.
      for (const body of bodies) tasks.push(await createTask(t, user, body));
    });

    it('defaults to newest first, 20 per page, with meta', async () => {
      const response = await list(user);

      expect(response.status).toBe(200);
      expect(ids(response.body.data)).toEqual(ids([...tasks].reverse()));
      expect(response.body.meta).toEqual({ page: 1, limit: 20, total: 7, totalPages: 1, nextCursor: null });
    });

    it.each([
      ['createdAt', (a: TaskBody, b: TaskBody) => a.createdAt.localeCompare(b.createdAt) || byId(a, b)],
      ['-createdAt', (a: TaskBody, b: TaskBody) => b.createdAt.localeCompare(a.createdAt) || byId(b, a)],
      ['priority', (a: TaskBody, b: TaskBody) => RANK[a.priority] - RANK[b.priority] || byId(a, b)],
      ['-priority', (a: TaskBody, b: TaskBody) => RANK[b.priority] - RANK[a.priority] || byId(b, a)],
    ])('sorts by %s, ties broken by id', async (sort, compare) => {
      const response = await list(user, `?sort=${sort}`);
      expect(ids(response.body.data)).toEqual(ids([...tasks].sort(compare)));
    });

    it('ranks priority low < medium < high, not alphabetically', async () => {
      const response = await list(user, '?sort=priority');
      const priorities = response.body.data.map((task: TaskBody) => task.priority);
      expect(priorities).toEqual(['low', 'low', 'medium', 'medium', 'medium', 'high', 'high']);
    });

    it('sorts titles case-insensitively, both ways', async () => {
      const ascending = await list(user, '?sort=title');
      expect(ascending.body.data.map((task: TaskBody) => task.title)).toEqual(['100% done', 'Apple', 'apricot', 'back\\slash', 'banana', 'cherry', 'under_score']);
      const descending = await list(user, '?sort=-title');
      expect(descending.body.data.map((task: TaskBody) => task.title)).toEqual(['under_score', 'cherry', 'banana', 'back\\slash', 'apricot', 'Apple', '100% done']);
    });

    it('puts tasks without a due date last in both directions', async () => {
      const undated = ids(tasks.filter((task) => task.dueDate === null).sort(byId));
      const ascending = await list(user, '?sort=dueDate');
      expect(ascending.body.data.map((task: TaskBody) => task.title).slice(0, 3)).toEqual(['cherry', 'apricot', 'banana']);
      expect(ids(ascending.body.data).slice(3)).toEqual(undated);

      const descending = await list(user, '?sort=-dueDate');
      expect(descending.body.data.map((task: TaskBody) => task.title).slice(0, 3)).toEqual(['banana', 'apricot', 'cherry']);
      expect(ids(descending.body.data).slice(3)).toEqual([...undated].reverse());
    });

    it('sorts by updatedAt', async () => {
      const touched = tasks[2];
      const patch = await t.http().patch(`/api/v1/tasks/${touched.id}`).set(bearer(user.accessToken)).send({ description: 'WATER the garden' });
      expect(patch.status).toBe(200);

      const descending = await list(user, '?sort=-updatedAt');
      expect(descending.body.data[0].id).toBe(touched.id);
      const ascending = await list(user, '?sort=updatedAt');
      expect(ascending.body.data[6].id).toBe(touched.id);
      expect(ascending.body.data[0].id).toBe(tasks[0].id);
    });

    it('filters by completed and by priority, and counts only what matches', async () => {
      const done = await list(user, '?completed=true');
      expect(done.body.data.map((task: TaskBody) => task.title).sort()).toEqual(['100% done', 'Apple']);
      expect(done.body.meta).toEqual({ page: 1, limit: 20, total: 2, totalPages: 1, nextCursor: null });

      const open = await list(user, '?completed=false');
      expect(open.body.meta.total).toBe(5);
      expect(open.body.data.every((task: TaskBody) => !task.completed)).toBe(true);

      const high = await list(user, '?priority=high');
      expect(high.body.data.map((task: TaskBody) => task.title).sort()).toEqual(['Apple', 'apricot']);

      const both = await list(user, '?priority=high&completed=false');
      expect(both.body.data.map((task: TaskBody) => task.title)).toEqual(['apricot']);
      expect(both.body.meta.total).toBe(1);
    });

    it('searches title and description case-insensitively', async () => {
      const response = await list(user, '?q=water&sort=title');
      expect(response.body.data.map((task: TaskBody) => task.title)).toEqual(['back\\slash', 'cherry']);
      expect(response.body.meta.total).toBe(2);

      const title = await list(user, '?q=APP');
      expect(title.body.data.map((task: TaskBody) => task.title)).toEqual(['Apple']);
    });

    it.each([
      ['%', ['100% done']],
      ['_', ['under_score']],
      ['\\', ['back\\slash']],
      ['0%_', []],
    ])('treats %s in the search text as itself, not a wildcard', async (q, titles) => {
      const response = await list(user, `?q=${encodeURIComponent(q)}`);
      expect(response.status).toBe(200);
      expect(response.body.data.map((task: TaskBody) => task.title)).toEqual(titles);
      expect(response.body.meta.total).toBe(titles.length);
    });

    it('accepts a 200-character search and an empty one', async () => {
      expect((await list(user, `?q=${'a'.repeat(200)}`)).body.meta.total).toBe(0);
      expect((await list(user, '?q=')).body.meta.total).toBe(7);
    });

    it('pages with totalPages = ceil(total / limit) and answers an empty page past the end', async () => {
      const first = await list(user, '?limit=3');
      expect(first.body.meta).toEqual({ page: 1, limit: 3, total: 7, totalPages: 3, nextCursor: expect.any(String) });
      const last = await list(user, '?limit=3&page=3');
      expect(last.body.data).toHaveLength(1);
      const past = await list(user, '?limit=3&page=4');
      expect(past.status).toBe(200);
      expect(past.body).toEqual({ data: [], meta: { page: 4, limit: 3, total: 7, totalPages: 3, nextCursor: null } });
      const far = await list(user, `?page=${Number.MAX_SAFE_INTEGER}&limit=100`);
      expect(far.status).toBe(200);
      expect(far.body.data).toEqual([]);
    });

    it('accepts the limits 1 and 100', async () => {
      expect((await list(user, '?limit=1')).body.data).toHaveLength(1);
      expect((await list(user, '?limit=100')).body.meta.limit).toBe(100);
    });
  });

  it('answers an empty page with totalPages 0 for a user without tasks', async () => {
    const user = await registerUser(t);
    const response = await list(user);
    expect(response.body).toEqual({ data: [], meta: { page: 1, limit: 20, total: 0, totalPages: 0, nextCursor: null } });
  });

  it.each([
    ['an unknown parameter', '?foo=1', 'foo'],
    ['a repeated page', '?page=1&page=2', 'page'],
    ['a repeated sort', '?sort=title&sort=-title', 'sort'],
    ['a repeated filter', '?completed=true&completed=false', 'completed'],
    ['a repeated search', '?q=a&q=b', 'q'],
    ['an unknown sort', '?sort=name', 'sort'],
    ['a sort on a hidden column', '?sort=ownerId', 'sort'],
    ['page 0', '?page=0', 'page'],
    ['a negative page', '?page=-1', 'page'],
    ['a fractional page', '?page=1.5', 'page'],
    ['a page that is not a number', '?page=abc', 'page'],
    ['an empty page', '?page=', 'page'],
    ['a page beyond 2^53', '?page=99999999999999999999', 'page'],
    ['limit 0', '?limit=0', 'limit'],
    ['limit 101', '?limit=101', 'limit'],
    ['completed=yes', '?completed=yes', 'completed'],
    ['completed=1', '?completed=1', 'completed'],
    ['an unknown priority', '?priority=urgent', 'priority'],
    ['a 201-character search', `?q=${'a'.repeat(201)}`, 'q'],
  ])('rejects %s with a 400 naming it', async (_label, query, field) => {
    const user = await registerUser(t);
    const response = await list(user, query);

    expectProblem(response, 400);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('says first that a repeated parameter must be given once', async () => {
    const user = await registerUser(t);
    const response = await list(user, '?limit=5&limit=6');

    expectProblem(response, 400);
    expect(response.body.errors[0]).toEqual({ field: 'limit', message: 'limit must be given only once' });
  });

  it('never skips or repeats a task when walking pages under a sort key with ties', async () => {
    const user = await registerUser(t);
    const priorities = ['medium', 'medium', 'medium', 'low', 'medium', 'high', 'medium', 'medium'];
    const created: TaskBody[] = [];
    for (let batch = 0; batch < 5; batch++) {
      created.push(
        ...(await Promise.all(priorities.map((priority, index) => createTask(t, user, { title: `Same ${batch}-${index}`, priority })))),
      );
    }
    // Equal createdAt for half of them, so the default order has ties too.
    await t.sql(`UPDATE tasks SET created_at = '2026-01-01T00:00:00Z' WHERE owner_id = $1 AND (title LIKE 'Same 1-%' OR title LIKE 'Same 2-%')`, [user.id]);

    for (const [sort, compare] of [
      ['priority', (a: TaskBody, b: TaskBody) => RANK[a.priority] - RANK[b.priority] || byId(a, b)],
      ['-priority', (a: TaskBody, b: TaskBody) => RANK[b.priority] - RANK[a.priority] || byId(b, a)],
    ] as const) {
      const walked = await walk(user, `sort=${sort}`, 7);
      expect(walked).toHaveLength(40);
      expect(new Set(ids(walked)).size).toBe(40);
      expect(ids(walked)).toEqual(ids([...created].sort(compare)));
    }
    // createdAt in microseconds, which JavaScript dates cannot hold.
    const rows = await t.sql<{ id: string; micros: string }>(
      'SELECT id, (extract(epoch FROM created_at) * 1000000)::bigint::text AS micros FROM tasks WHERE owner_id = $1',
      [user.id],
    );
    const newestFirst = rows.sort((a, b) => (BigInt(b.micros) > BigInt(a.micros) ? 1 : BigInt(b.micros) < BigInt(a.micros) ? -1 : b.id < a.id ? -1 : 1));
    expect(rows.filter((row) => row.micros === rows[rows.length - 1].micros)).toHaveLength(16);
    expect(ids(await walk(user, 'sort=-createdAt', 6))).toEqual(newestFirst.map((row) => row.id));
    // No task has a due date: the order is by id alone.
    expect(ids(await walk(user, 'sort=dueDate', 9))).toEqual(ids([...created].sort(byId)));
  });
});
