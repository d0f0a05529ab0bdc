import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from './support/test-app.js';

/** Far past REQUEST_TIMEOUT (2 s here) plus Node's check interval (1 s), far short of its 30 s default interval. */
const CLOSED_WITHIN_MS = 15_000;

interface Closed {
  afterMs: number;
  received: string;
}

/** Opens a raw socket, writes `bytes` and never finishes the request; resolves once the server closes it. */
function sendAndStall(port: number, bytes: string): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const openedAt = performance.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(bytes));
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve({ afterMs: performance.now() - openedAt, received }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept a stalled socket open for ${CLOSED_WITHIN_MS} ms`));
    }, CLOSED_WITHIN_MS).unref();
  });
}

describe('slow clients (slowloris)', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ listen: true, env: { REQUEST_TIMEOUT: '2s' } });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await t.close();
  });

  it('closes a socket that announces a 100-byte login body and sends 4 bytes', async () => {
    const closed = await sendAndStall(
      port,
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"em',
    );

    expect(closed.received).toMatch(/^HTTP\/1\.1 408 /);
    // Not before the timeout: the client had its 2 s.
    expect(closed.afterMs).toBeGreaterThanOrEqual(1900);
  });

  it('closes a socket that never finishes its headers', async () => {
    const closed = await sendAndStall(port, 'GET /health/live HTTP/1.1\r\nHost: localhost\r\nX-Slow: a');

    expect(closed.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('still serves a client that sends its request in time', async () => {
    const response = await t.http().post('/api/v1/auth/login').send({ email: 'nobody@example.com', password: 'not-the-password-1' });

    expect(response.status).toBe(401);
  });
});

describe('request and keep-alive timeouts by default', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t.close();
  });

  it('gives a request 30 s (headers included) and an idle kept-alive connection 60 s', () => {
    const server = t.app.getHttpServer() as Server;

    expect(t.config.requestTimeoutSeconds).toBe(30);
    expect(server.requestTimeout).toBe(30_000);
    expect(server.headersTimeout).toBe(30_000);
    expect(server.keepAliveTimeout).toBe(60_000);
  });
});
