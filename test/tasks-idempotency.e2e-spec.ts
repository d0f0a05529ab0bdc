import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { itOnPostgres } from './support/eventually.js';
import { bearer, expectProblem, registerUser, type RegisteredUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { IdempotencyKeysService } from '../src/tasks/idempotency-keys.service.js';

describe('tasks: Idempotency-Key on POST', () => {
  let t: TestApp;
  let user: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp();
    user = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const post = (key: string | null, body: object, owner: RegisteredUser = user, path = '/api/v1/tasks') => {
    const request = t.http().post(path).set(bearer(owner.accessToken));
    return (key === null ? request : request.set('Idempotency-Key', key)).send(body);
  };
  const countTasks = async (owner: RegisteredUser = user, title?: string) => {
    const [{ count }] = await t.sql<{ count: number }>('SELECT count(*)::int AS count FROM tasks WHERE owner_id = $1 AND ($2::text IS NULL OR title = $2)', [
      owner.id,
      title ?? null,
    ]);
    return count;
  };

  it('replays the first response, byte for byte, with Idempotent-Replayed, and creates nothing more', async () => {
    const key = randomUUID();
    const body = { title: 'Buy milk', description: 'Oat', priority: 'high', dueDate: '2026-12-01T10:00:00+01:00' };
    const first = await post(key, body);
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    const replay = await post(key, body);

    expect(replay.status).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.text).toBe(first.text);
    expect(replay.headers.location).toBe(first.headers.location);
    expect(replay.headers.etag).toBe(first.headers.etag);
    expect(await countTasks(user, 'Buy milk')).toBe(1);

    const [stored] = await t.sql<{ fingerprint: string; response_status: number; response_location: string; ttl_hours: number }>(
      `SELECT fingerprint, response_status, response_location, round(extract(epoch FROM expires_at - created_at) / 3600)::int AS ttl_hours
         FROM idempotency_keys WHERE owner_id = $1 AND key = $2`,
      [user.id, key],
    );
    expect(stored).toEqual({ fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/), response_status: 201, response_location: first.headers.location, ttl_hours: 24 });
  });

  it('replays the original even after the task changed, and a replay after deletion creates nothing', async () => {
    const key = randomUUID();
    const first = await post(key, { title: 'Original' });
    await t.http().patch(`/api/v1/tasks/${first.body.id}`).set(bearer(user.accessToken)).send({ title: 'Edited' });
    const replay = await post(key, { title: 'Original' });
    expect(replay.body.title).toBe('Original');

    await t.http().delete(`/api/v1/tasks/${first.body.id}`).set(bearer(user.accessToken));
    const afterDelete = await post(key, { title: 'Original' });
    expect(afterDelete.status).toBe(201);
    expect(afterDelete.headers['idempotent-replayed']).toBe('true');
    expect(await countTasks(user, 'Original')).toBe(0);
  });

  it('counts bodies that mean the same task as the same body', async () => {
    const key = randomUUID();
    const first = await post(key, { title: 'Same thing', dueDate: '2026-12-01T10:00:00Z' });
    const equivalent = await post(key, { priority: 'medium', completed: false, dueDate: '2026-12-01T11:00:00+01:00', description: null, title: '  Same thing ' });
    expect(equivalent.status).toBe(201);
    expect(equivalent.headers['idempotent-replayed']).toBe('true');
    expect(equivalent.body.id).toBe(first.body.id);
  });

  it('answers the same key with a different body with 422, and creates nothing', async () => {
    const key = randomUUID();
    await post(key, { title: 'First body' });
    const response = await post(key, { title: 'Second body' });

    expectProblem(response, 422);
    expect(response.body.type).toBe('https://tasknest.dev/problems/idempotency-key-reused');
    expect(await countTasks(user, 'Second body')).toBe(0);
    expect(await countTasks(user, 'First body')).toBe(1);
  });

  it('scopes keys per user: the same key for two users makes two tasks', async () => {
    const other = await registerUser(t);
    const key = `shared-${randomUUID()}`;
    const mine = await post(key, { title: 'Scoped' });
    const theirs = await post(key, { title: 'Scoped' }, other);

    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(await countTasks(user, 'Scoped')).toBe(1);
    expect(await countTasks(other, 'Scoped')).toBe(1);
  });

  it('creates a new task for every POST without a key', async () => {
    await post(null, { title: 'No key' });
    await post(null, { title: 'No key' });
    expect(await countTasks(user, 'No key')).toBe(2);
  });

  it('works on the seed routes, replaying with their Location', async () => {
    const key = randomUUID();
    const path = `/api/${user.id}/tasks`;
    const first = await post(key, { title: 'Seeded' }, user, path);
    const replay = await post(key, { title: 'Seeded' }, user, path);

    expect(first.headers.location).toBe(`${path}/${first.body.id}`);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.headers.location).toBe(first.headers.location);
    expect(await countTasks(user, 'Seeded')).toBe(1);
  });

  it.each([
    ['empty', ''],
    ['256 characters long', 'k'.repeat(256)],
    ['holding a space', 'two words'],
    ['not ASCII', 'clé'],
    ['holding a tab', 'a\tb'],
  ])('rejects a key that is %s with 400, and creates nothing', async (_label, key) => {
    const title = `Bad key ${randomUUID()}`;
    const response = await post(key, { title });

    expectProblem(response, 400);
    expect(response.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    expect(await countTasks(user, title)).toBe(0);
  });

  it('accepts keys of 1 and of 255 visible ASCII characters', async () => {
    expect((await post('!', { title: 'One' })).status).toBe(201);
    expect((await post(`${'~'.repeat(254)}!`, { title: 'Long' })).status).toBe(201);
  });

  it('turns 8 concurrent requests with one key into one task; the others replay it or get 409', async () => {
    const key = randomUUID();
    const title = `Concurrent ${key}`;
    const responses = await Promise.all(Array.from({ length: 8 }, () => post(key, { title })));

    const created = responses.filter((response) => response.status === 201);
    const originals = created.filter((response) => response.headers['idempotent-replayed'] === undefined);
    expect(originals).toHaveLength(1);
    for (const response of created) expect(response.text).toBe(originals[0].text);
    for (const response of responses.filter((response) => response.status !== 201)) {
      expectProblem(response, 409);
      expect(response.headers['retry-after']).toBe('1');
    }
    expect(await countTasks(user, title)).toBe(1);
    expect(await t.sql('SELECT key FROM idempotency_keys WHERE owner_id = $1 AND key = $2', [user.id, key])).toHaveLength(1);
  });

  itOnPostgres('answers 409 while another request holds the key, and proceeds once it is released', async () => {
    const key = randomUUID();
    const lock = [`idempotency-key:${user.id}:${key}`];
    const client = await t.sql('SELECT pg_advisory_lock(hashtextextended($1, 0))', lock);
    expect(client).toHaveLength(1);
    try {
      const blocked = await post(key, { title: 'Held' });
      expectProblem(blocked, 409);
      expect(blocked.body.type).toBe('https://tasknest.dev/problems/idempotency-key-in-flight');
      expect(await countTasks(user, 'Held')).toBe(0);
    } finally {
      await t.sql('SELECT pg_advisory_unlock(hashtextextended($1, 0))', lock);
    }
    expect((await post(key, { title: 'Held' })).status).toBe(201);
  });

  it('never keeps a task without its key, or a key without its task, when the transaction fails', async () => {
    const key = `explode-${randomUUID()}`;
    await t.sql(`CREATE FUNCTION refuse_key() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$`);
    await t.sql(`CREATE TRIGGER refuse_key BEFORE INSERT ON idempotency_keys FOR EACH ROW WHEN (NEW.key LIKE 'explode-%') EXECUTE FUNCTION refuse_key()`);
    try {
      const response = await post(key, { title: 'Half written' });
      expectProblem(response, 500);
      expect(JSON.stringify(response.body)).not.toContain('refused');
      expect(await countTasks(user, 'Half written')).toBe(0);
      expect(await t.sql('SELECT key FROM idempotency_keys WHERE key = $1', [key])).toHaveLength(0);
    } finally {
      await t.sql('DROP TRIGGER refuse_key ON idempotency_keys');
      await t.sql('DROP FUNCTION refuse_key()');
    }
  });

  it('forgets a key after 24 hours: it may then be used for a new task, and the purge deletes it', async () => {
    const expired = randomUUID();
    const live = randomUUID();
    await post(expired, { title: 'Yesterday' });
    await post(live, { title: 'Today' });
    await t.sql(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE owner_id = $1 AND key = $2`, [user.id, expired]);

    const reused = await post(expired, { title: 'Tomorrow' });
    expect(reused.status).toBe(201);
    expect(reused.headers['idempotent-replayed']).toBeUndefined();
    expect(await countTasks(user, 'Tomorrow')).toBe(1);

    await t.sql(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE owner_id = $1 AND key = $2`, [user.id, expired]);
    const purged = await t.app.get(IdempotencyKeysService).purgeExpired();
    expect(purged).toBeGreaterThanOrEqual(1);
    const keys = (await t.sql<{ key: string }>('SELECT key FROM idempotency_keys WHERE owner_id = $1', [user.id])).map((row) => row.key);
    expect(keys).toContain(live);
    expect(keys).not.toContain(expired);
  });
});
