/**
 * Typed client smoke test of the auth and users operations against a running server.
 *   node --import @swc-node/register/esm-register test/client/smoke.ts [baseUrl]   (or BASE_URL)
 * Usually run through `npm run client:check`, which first generates and type-checks the client.
 */
import { api, check, expectStatus, registerUser, run } from './api-client.js';

run('typed client (auth, users)', async () => {
  const { email, auth } = await registerUser('client-smoke');

  const me = expectStatus(await api(auth.accessToken).GET('/api/v1/users/me'), 200, 'GET /api/v1/users/me');
  check(me.data?.id === auth.user.id && me.data.email === email, `users/me: expected ${auth.user.id}, got ${JSON.stringify(me.data)}`);
  check(!('passwordHash' in me.data), 'users/me: the body carries a password hash');

  const refreshed = expectStatus(
    await api().POST('/api/v1/auth/refresh', { body: { refreshToken: auth.refreshToken } }),
    200,
    'POST /api/v1/auth/refresh',
  );
  check(refreshed.data !== undefined, 'refresh: no body');
  check(refreshed.data.refreshToken !== auth.refreshToken, 'refresh: the refresh token did not rotate');
  check(refreshed.data.user.id === auth.user.id, 'refresh: another user');
  const accessToken = refreshed.data.accessToken;

  const sessions = expectStatus(await api(accessToken).GET('/api/v1/auth/sessions'), 200, 'GET /api/v1/auth/sessions');
  check(sessions.data?.length === 1 && sessions.data[0].current, `sessions: expected one current session, got ${JSON.stringify(sessions.data)}`);

  expectStatus(await api(accessToken).POST('/api/v1/auth/logout'), 204, 'POST /api/v1/auth/logout');
  const after = expectStatus(await api(accessToken).GET('/api/v1/users/me'), 401, 'GET /api/v1/users/me after logout');
  check(after.error?.status === 401 && after.response.headers.get('content-type')?.startsWith('application/problem+json') === true, 'after logout: not a 401 problem');
});
