import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { bearer, expectProblem, GOOD_PASSWORD, login, registerUser, type RegisteredUser, uniqueEmail } from './support/factories.js';
import { createTask } from './support/tasks.js';
import { createTestApp, type TestApp } from './support/test-app.js';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes bytes to the server as they are (no client-side encoding or checks) and reads until the server closes (send `Connection: close`). */
function rawRequest(port: number, bytes: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(bytes);
  });
}

/** A raw response whose body is a problem, with the headers every response carries. */
function expectRawProblem(response: RawResponse, status: number): Record<string, unknown> {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['content-security-policy']).toMatch(/default-src 'self'/);
  const body = JSON.parse(response.body) as Record<string, unknown>;
  expect(body).toEqual(expect.objectContaining({ type: expect.stringMatching(/^https:\/\/tasknest\.dev\/problems\//), title: expect.any(String), status, requestId: response.headers['x-request-id'] }));
  return body;
}

function nested(depth: number): unknown {
  let value: unknown = 'x';
  for (let level = 0; level < depth; level++) value = [value];
  return value;
}

describe('hostile input', () => {
  let t: TestApp;
  let port: number;
  let user: RegisteredUser;

  beforeAll(async () => {
    t = await createTestApp({ listen: true });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    user = await registerUser(t);
  });

  afterAll(async () => {
    await t.close();
  });

  const auth = () => bearer(user.accessToken);
  const taskCount = async () => Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM tasks WHERE owner_id = $1', [user.id]))[0].n);

  function expectFieldError(response: Parameters<typeof expectProblem>[0], field: string): void {
    expectProblem(response, 400);
    expect(response.body.type).toMatch(/validation-failed$/);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  }

  describe('control characters', () => {
    it.each([['NUL', '\u0000'], ['a bell', '\u0007'], ['a line feed', '\n'], ['a tab', '\t'], ['ESC', '\u001b'], ['DEL', '\u007f']])(
      'refuses %s in a title on POST, PUT and PATCH with a 400 field error, and stores nothing',
      async (_label, character) => {
        const task = await createTask(t, user, { title: 'clean' });
        const before = await taskCount();
        expectFieldError(await t.http().post('/api/v1/tasks').set(auth()).send({ title: `a${character}b` }), 'title');
        expectFieldError(await t.http().put(`/api/v1/tasks/${task.id}`).set(auth()).send({ title: `a${character}b` }), 'title');
        expectFieldError(await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).send({ title: `a${character}b` }), 'title');
        expect(await taskCount()).toBe(before);
        expect((await t.sql('SELECT title FROM tasks WHERE id = $1', [task.id]))[0]).toEqual({ title: 'clean' });
      },
    );

    it('allows tab, CR and LF in a description, but no other control character', async () => {
      const created = await t.http().post('/api/v1/tasks').set(auth()).send({ title: 'x', description: 'one\r\ntwo\tthree\n' });
      expect(created.status).toBe(201);
      expect(created.body.description).toBe('one\r\ntwo\tthree\n');
      expectFieldError(await t.http().post('/api/v1/tasks').set(auth()).send({ title: 'x', description: 'a\u0000b' }), 'description');
      expectFieldError(await t.http().patch(`/api/v1/tasks/${created.body.id}`).set(auth()).send({ description: 'a\u000bb' }), 'description');
    });

    it('refuses NUL in a name on register and on PATCH /users/me', async () => {
      expectFieldError(await t.http().post('/api/v1/auth/register').send({ email: uniqueEmail(), password: GOOD_PASSWORD, name: 'Ada\u0000' }), 'name');
      expectFieldError(await t.http().patch('/api/v1/users/me').set(auth()).send({ name: 'Ada\u0000Lovelace' }), 'name');
      expect((await t.sql('SELECT name FROM users WHERE id = $1', [user.id]))[0]).toEqual({ name: null });
    });

    it('refuses NUL in an email on login, register and forgot, with a 400 field error (not a 500 from the database)', async () => {
      expectFieldError(await t.http().post('/api/v1/auth/login').send({ email: 'a\u0000@example.com', password: 'whatever-it-is' }), 'email');
      expectFieldError(await t.http().post('/api/v1/auth/register').send({ email: 'a\u0000@example.com', password: GOOD_PASSWORD }), 'email');
      expectFieldError(await t.http().post('/api/v1/auth/password/forgot').send({ email: 'a\u0000@example.com' }), 'email');
    });

    it.each([['%00'], ['a%01b'], ['%0A']])('refuses q=%s in the task list with a 400 field error', async (q) => {
      expectFieldError(await t.http().get(`/api/v1/tasks?q=${q}`).set(auth()), 'q');
    });

    it('lets a password hold any character: it is hashed, never stored as text', async () => {
      const password = 'purple\u0000otter\u0007lantern';
      const email = uniqueEmail();
      expect((await t.http().post('/api/v1/auth/register').send({ email, password })).status).toBe(201);
      await login(t, { email, password });
      expect((await t.http().post('/api/v1/auth/login').send({ email, password: 'purple\u0000otter\u0007lanterN' })).status).toBe(401);
    });

    it('answers NUL in a path segment with the 404 of any malformed id', async () => {
      expectProblem(await t.http().get('/api/v1/tasks/%00').set(auth()), 404);
      expectProblem(await t.http().delete('/api/v1/auth/sessions/a%00b').set(auth()), 404);
      expectProblem(await t.http().get('/api/%00/tasks').set(auth()), 404);
    });
  });

  describe('deeply nested JSON', () => {
    it('refuses a body nested deeper than 32 levels with a 400 problem', async () => {
      const response = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send(JSON.stringify({ email: nested(2000), password: 'x' }));
      expectProblem(response, 400);
      expect(response.body.type).toMatch(/json-too-deep$/);
    });

    it('counts levels exactly: 32 pass the parser (and fail validation), 33 do not', async () => {
      const deepest = await t.http().patch('/api/v1/users/me').set(auth()).send({ name: nested(31) });
      expectFieldError(deepest, 'name');
      const tooDeep = await t.http().patch('/api/v1/users/me').set(auth()).send({ name: nested(32) });
      expectProblem(tooDeep, 400);
      expect(tooDeep.body.type).toMatch(/json-too-deep$/);
    });

    it('does not count brackets inside strings', async () => {
      const response = await t.http().post('/api/v1/tasks').set(auth()).send({ title: '['.repeat(100), description: '{"\\"['.repeat(300) });
      expect(response.status).toBe(201);
    });
  });

  describe('Object.prototype member names', () => {
    it.each([['constructor'], ['toString'], ['hasOwnProperty'], ['valueOf'], ['isPrototypeOf'], ['__defineGetter__']])(
      'refuses %s in a body as an unknown property',
      async (name) => {
        const before = await taskCount();
        const response = await t.http().post('/api/v1/tasks').set(auth()).send({ title: 'x', [name]: 1 });
        expectFieldError(response, name);
        expect(await taskCount()).toBe(before);
      },
    );

    it('refuses __proto__ in a body', async () => {
      expectProblem(await t.http().post('/api/v1/tasks').set(auth()).set('Content-Type', 'application/json').send('{"title":"x","__proto__":1}'), 400);
    });

    it.each([['constructor=1'], ['__proto__=1'], ['toString=1'], ['hasOwnProperty=x'], ['valueOf=1']])('refuses %s in a query as an unknown parameter', async (query) => {
      const response = await t.http().get(`/api/v1/tasks?${query}`).set(auth());
      expectFieldError(response, query.split('=')[0]);
    });
  });

  describe('caching and 404 details', () => {
    it('sends Cache-Control: no-store for the matched route, however its path was spelled', async () => {
      const response = await rawRequest(port, `GET /%61pi/v1/users/me HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${user.accessToken}\r\nConnection: close\r\n\r\n`);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('never echoes the query string in the detail of a 404', async () => {
      const response = await rawRequest(port, 'GET /api/v1/nope?token=SECRET%3Cscript%3E HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      const body = expectRawProblem(response, 404);
      expect(response.body).not.toMatch(/SECRET|script|token=/);
      expect(body.detail).toBe('Cannot GET /api/v1/nope');
      expect(body.instance).toBe('/api/v1/nope');
    });
  });

  describe('errors before routing', () => {
    it('answers a 20 kB header with a 431 problem, X-Request-Id and the security headers', async () => {
      const response = await rawRequest(port, `GET /api/v1/users/me HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20 * 1024)}\r\n\r\n`);
      expectRawProblem(response, 431);
    });

    it('answers NUL in a header with a 400 problem, X-Request-Id and the security headers', async () => {
      const response = await rawRequest(port, Buffer.from('GET /api/v1/users/me HTTP/1.1\r\nHost: localhost\r\nX-Evil: a\u0000b\r\n\r\n', 'latin1'));
      expectRawProblem(response, 400);
    });

    it('answers a request line that is not HTTP with a 400 problem', async () => {
      expectRawProblem(await rawRequest(port, 'HELLO\r\n\r\n'), 400);
    });
  });

  describe('lengths, passwords and look-alike emails', () => {
    it('counts a title in code points, as PostgreSQL does: 150 × "a\\uFE0F" (300) is too long, 100 × (200) fits', async () => {
      expectFieldError(await t.http().post('/api/v1/tasks').set(auth()).send({ title: 'a\uFE0F'.repeat(150) }), 'title');
      const fits = await t.http().post('/api/v1/tasks').set(auth()).send({ title: 'a\uFE0F'.repeat(100), description: '😀'.repeat(2000) });
      expect(fits.status).toBe(201);
      expectFieldError(await t.http().post('/api/v1/tasks').set(auth()).send({ title: 'x', description: 'a\uFE0F'.repeat(1001) }), 'description');
    });

    it('counts a name in code points: 80 × "a\\uFE0F" (160) is too long, 50 × (100) fits', async () => {
      expectFieldError(await t.http().post('/api/v1/auth/register').send({ email: uniqueEmail(), password: GOOD_PASSWORD, name: 'a\uFE0F'.repeat(80) }), 'name');
      expectFieldError(await t.http().patch('/api/v1/users/me').set(auth()).send({ name: 'a\uFE0F'.repeat(80) }), 'name');
      const fits = await t.http().patch('/api/v1/users/me').set(auth()).send({ name: 'a\uFE0F'.repeat(50) });
      expect(fits.status).toBe(200);
      expect(fits.body.name).toBe('a\uFE0F'.repeat(50));
    });

    it('counts q in code points', async () => {
      expectFieldError(await t.http().get(`/api/v1/tasks?q=${encodeURIComponent('a\uFE0F'.repeat(101))}`).set(auth()), 'q');
    });

    it.each([['8 spaces', ' '.repeat(8)], ['tabs and spaces', ' \t \t \t \t '], ['ideographic spaces', '\u3000'.repeat(10)]])(
      'refuses a password of %s on register, reset and change',
      async (_label, password) => {
        expectFieldError(await t.http().post('/api/v1/auth/register').send({ email: uniqueEmail(), password }), 'password');
        expectFieldError(await t.http().post('/api/v1/auth/password/reset').send({ token: 'x'.repeat(43), newPassword: password }), 'newPassword');
        expectFieldError(await t.http().post('/api/v1/users/me/password').set(auth()).send({ currentPassword: user.password, newPassword: password }), 'newPassword');
      },
    );

    it('stores an email in NFC, so its NFD spelling is the same account', async () => {
      const local = `jos\u00e9-${Date.now()}`;
      const nfc = `${local}@example.com`;
      const nfd = nfc.normalize('NFD');
      expect(nfd).not.toBe(nfc);
      const registered = await t.http().post('/api/v1/auth/register').send({ email: nfd, password: GOOD_PASSWORD });
      expect(registered.status).toBe(201);
      expect(registered.body.user.email).toBe(nfc);
      expect(await t.sql('SELECT email FROM users WHERE id = $1', [registered.body.user.id])).toEqual([{ email: nfc }]);
      expectProblem(await t.http().post('/api/v1/auth/register').send({ email: nfc, password: GOOD_PASSWORD }), 409);
      await login(t, { email: nfd, password: GOOD_PASSWORD });
      await login(t, { email: nfc.toUpperCase(), password: GOOD_PASSWORD });
    });

    it.each([
      ['a zero-width space', 'ad\u200Ba@example.com'],
      ['a zero-width joiner', 'ada\u200D@example.com'],
      ['a byte-order mark inside', 'ada\uFEFF@example.com'],
      ['a soft hyphen', 'a\u00ADda@example.com'],
      ['a quoted local part', '"ada"@example.com'],
      ['a quoted local part with CR/LF', '"ada\r\nbcc"@example.com'],
      ['no dot in the domain', 'ada@localhost'],
    ])('refuses an email with %s on register and forgot', async (_label, email) => {
      expectFieldError(await t.http().post('/api/v1/auth/register').send({ email, password: GOOD_PASSWORD }), 'email');
      expectFieldError(await t.http().post('/api/v1/auth/password/forgot').send({ email }), 'email');
    });
  });

  describe('malformed refresh bodies', () => {
    it.each([
      ['no refreshToken', {}],
      ['a number', { refreshToken: 12345 }],
      ['null', { refreshToken: null }],
      ['an object', { refreshToken: { a: 1 } }],
    ])('answers %s as refreshToken with a 400 validation problem', async (_label, body) => {
      const response = await t.http().post('/api/v1/auth/refresh').send(body);
      expectFieldError(response, 'refreshToken');
      expect(response.headers['www-authenticate']).toBeUndefined();
    });

    it('answers no body at all with a 400 validation problem', async () => {
      expectFieldError(await t.http().post('/api/v1/auth/refresh'), 'refreshToken');
    });
  });

  describe('what the OpenAPI document promises', () => {
    it('answers PATCH /tasks/{id} with the JSON body null with 400, as PUT and POST do, and changes nothing', async () => {
      const task = await createTask(t, user, { title: 'kept' });
      const patched = await t.http().patch(`/api/v1/tasks/${task.id}`).set(auth()).set('Content-Type', 'application/json').send('null');
      expectProblem(patched, 400);
      expectProblem(await t.http().put(`/api/v1/tasks/${task.id}`).set(auth()).set('Content-Type', 'application/json').send('null'), 400);
      expectProblem(await t.http().post('/api/v1/tasks').set(auth()).set('Content-Type', 'application/json').send('null'), 400);
      expect((await t.sql('SELECT title, version FROM tasks WHERE id = $1', [task.id]))[0]).toEqual({ title: 'kept', version: 1 });
    });

    it('answers the QUERY method on an unknown route with 404', async () => {
      const response = await rawRequest(port, 'QUERY /api/v1/nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
      expectRawProblem(response, 404);
    });
  });
});
