import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import type { TestApp } from './test-app.js';

export interface RegisteredUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}@example.com`;
}

export const GOOD_PASSWORD = 'purple-otter-lantern-42';

/** Registers through the public API, as a client would. */
export async function registerUser(t: TestApp, overrides: { email?: string; password?: string; name?: string } = {}): Promise<RegisteredUser> {
  const email = overrides.email ?? uniqueEmail();
  const password = overrides.password ?? GOOD_PASSWORD;
  const response = await t.http().post('/api/v1/auth/register').send({ email, password, name: overrides.name });
  expect(response.status).toBe(201);
  return { id: response.body.user.id, email: response.body.user.email, password, accessToken: response.body.accessToken, refreshToken: response.body.refreshToken };
}

export async function login(t: TestApp, user: { email: string; password: string }, userAgent = 'jest'): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await t.http().post('/api/v1/auth/login').set('User-Agent', userAgent).send({ email: user.email, password: user.password });
  expect(response.status).toBe(200);
  return { accessToken: response.body.accessToken, refreshToken: response.body.refreshToken };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Asserts an RFC 9457 problem response with the given status. */
export function expectProblem(response: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toEqual(
    expect.objectContaining({
      type: expect.stringMatching(/^https:\/\/tasknest\.dev\/problems\//),
      title: expect.any(String),
      status,
      detail: expect.any(String),
      instance: expect.any(String),
      requestId: response.headers['x-request-id'],
    }),
  );
}
