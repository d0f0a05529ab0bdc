/**
 * Typed client smoke test of the tasks operations, written against CONTRACT.md. `npm run
 * client:check` type-checks and runs it only once openapi/openapi.json has /api/v1/tasks (until then
 * it prints SKIPPED); from then on a missing or failing operation fails the check.
 *   node --import @swc-node/register/esm-register test/client/smoke-tasks.ts [baseUrl]   (or BASE_URL)
 */
import { api, check, expectStatus, registerUser, run } from './api-client.js';

run('typed client (tasks)', async () => {
  const { auth } = await registerUser('client-smoke-tasks');
  const client = api(auth.accessToken);

  const created = expectStatus(
    await client.POST('/api/v1/tasks', { body: { title: '  Write the smoke test  ', priority: 'high' } }),
    201,
    'POST /api/v1/tasks',
  );
  const task = created.data;
  check(task !== undefined, 'create: no body');
  check(task.title === 'Write the smoke test' && task.priority === 'high', `create: unexpected task ${JSON.stringify(task)}`);
  check(task.completed === false && task.completedAt === null && task.description === null && task.dueDate === null, 'create: wrong defaults');
  check(created.response.headers.get('location')?.endsWith(`/api/v1/tasks/${task.id}`) === true, 'create: no Location for the task');
  check(created.response.headers.get('etag') !== null, 'create: no ETag');

  const list = expectStatus(await client.GET('/api/v1/tasks', { params: { query: { limit: 10, sort: '-createdAt' } } }), 200, 'GET /api/v1/tasks');
  check(list.data?.data.length === 1 && list.data.data[0].id === task.id, `list: expected the one task, got ${JSON.stringify(list.data)}`);
  check(list.data.meta.total === 1 && list.data.meta.page === 1 && list.data.meta.limit === 10 && list.data.meta.totalPages === 1, 'list: wrong meta');

  const fetched = expectStatus(await client.GET('/api/v1/tasks/{id}', { params: { path: { id: task.id } } }), 200, 'GET /api/v1/tasks/{id}');
  check(JSON.stringify(fetched.data) === JSON.stringify(task), 'get: differs from the created task');

  expectStatus(await client.POST('/api/v1/auth/logout'), 204, 'POST /api/v1/auth/logout');
});
