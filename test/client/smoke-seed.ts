/**
 * Typed client smoke test of the seed dialect (CONTRACT.md "The seed dialect"): what a frontend
 * written for the seed app does, through the generated types of the deprecated operations.
 *   node --import @swc-node/register/esm-register test/client/smoke-seed.ts [baseUrl]   (or BASE_URL)
 */
import { randomBytes } from 'node:crypto';
import { api, check, expectStatus, run } from './api-client.js';

run('typed client (seed dialect)', async () => {
  const email = `client-smoke-seed-${randomBytes(6).toString('hex')}@example.com`;
  const password = 'purple-otter-lantern-42';
  const registered = expectStatus(await api().POST('/api/auth/register', { body: { email, password, name: 'Seed Smoke' } }), 201, 'POST /api/auth/register');
  check(registered.data !== undefined && 'token_type' in registered.data, `register: expected tokens, got ${JSON.stringify(registered.data)}`);
  check(registered.data.token_type === 'bearer' && registered.data.user.email === email, `register: unexpected ${JSON.stringify(registered.data)}`);

  const login = expectStatus(await api().POST('/api/auth/login', { body: { email, password } }), 200, 'POST /api/auth/login');
  check(login.data !== undefined && login.data.access_token.length > 0 && login.data.expires_in > 0, 'login: no token');
  const client = api(login.data.access_token);
  const user_id = login.data.user.id;

  const created = expectStatus(
    await client.POST('/api/{user_id}/tasks', { params: { path: { user_id } }, body: { title: 'Seed smoke', description: 'typed' } }),
    201,
    'POST /api/{user_id}/tasks',
  );
  const task = created.data;
  check(task !== undefined && task.user_id === user_id && task.completed === false && task.description === 'typed', `create: unexpected ${JSON.stringify(task)}`);
  const task_id = task.id;

  const list = expectStatus(await client.GET('/api/{user_id}/tasks', { params: { path: { user_id } } }), 200, 'GET /api/{user_id}/tasks');
  check(Array.isArray(list.data) && list.data.length === 1 && list.data[0].id === task_id, `list: expected a bare array with the task, got ${JSON.stringify(list.data)}`);
  check(list.response.headers.get('x-total-count') === '1', 'list: X-Total-Count is not 1');

  const done = expectStatus(await client.PUT('/api/{user_id}/tasks/{task_id}', { params: { path: { user_id, task_id } }, body: { completed: true } }), 200, 'PUT (completed)');
  check(done.data?.completed === true && done.data.completed_at !== null, 'put: not completed');
  const renamed = expectStatus(await client.PUT('/api/{user_id}/tasks/{task_id}', { params: { path: { user_id, task_id } }, body: { title: 'Renamed' } }), 200, 'PUT /api/{user_id}/tasks/{task_id}');
  check(renamed.data?.title === 'Renamed' && renamed.data.completed === true, 'put: a partial PUT changed more than the title');

  const fetched = expectStatus(await client.GET('/api/{user_id}/tasks/{task_id}', { params: { path: { user_id, task_id } } }), 200, 'GET /api/{user_id}/tasks/{task_id}');
  check(JSON.stringify(fetched.data) === JSON.stringify(renamed.data), 'get: differs from the updated task');

  const toggled = expectStatus(
    await client.PATCH('/api/{user_id}/tasks/{task_id}/complete', { params: { path: { user_id, task_id } }, body: {} }),
    200,
    'PATCH /api/{user_id}/tasks/{task_id}/complete',
  );
  check(toggled.data?.completed === false, 'toggle: still completed');

  const deleted = expectStatus(await client.DELETE('/api/{user_id}/tasks/{task_id}', { params: { path: { user_id, task_id } } }), 200, 'DELETE /api/{user_id}/tasks/{task_id}');
  check(deleted.data?.message === 'Task deleted successfully', `delete: unexpected ${JSON.stringify(deleted.data)}`);

  const logout = expectStatus(await client.POST('/api/auth/logout'), 200, 'POST /api/auth/logout');
  check(logout.data?.success === true, 'logout: no success');
  expectStatus(await client.GET('/api/{user_id}/tasks', { params: { path: { user_id } } }), 401, 'GET /api/{user_id}/tasks after logout');
});
