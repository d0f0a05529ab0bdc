/**
 * What the typed smoke scripts share: a client generated from openapi/openapi.json (openapi-typescript
 * types, openapi-fetch calls), the server URL and small assertions. A change to the document that
 * breaks a call or a field used here fails `tsc` in `npm run client:check`, before anything runs.
 */
import { randomBytes } from 'node:crypto';
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './generated/tasknest-api.js';

export type Api = Client<paths>;
export type AuthResponse = components['schemas']['AuthResponseDto'];

export const baseUrl = (process.argv[2] ?? process.env.BASE_URL ?? 'http://localhost:3000').replace(/\/$/, '');

/** A client for anonymous calls, or one that sends `Authorization: Bearer <accessToken>` on every call. */
export function api(accessToken?: string): Api {
  return createClient<paths>({ baseUrl, headers: accessToken ? { Authorization: `Bearer ${accessToken}` } : {} });
}

export class SmokeFailure extends Error {}

export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SmokeFailure(message);
}

/** Asserts the status of an openapi-fetch result and returns it for further checks. */
export function expectStatus<T extends { response: Response; error?: unknown }>(result: T, status: number, step: string): T {
  check(result.response.status === status, `${step}: expected ${status}, got ${result.response.status} ${JSON.stringify(result.error ?? null)}`);
  process.stdout.write(`ok ${step} → ${status}\n`);
  return result;
}

export async function registerUser(label: string): Promise<{ email: string; password: string; auth: AuthResponse }> {
  const email = `${label}-${randomBytes(6).toString('hex')}@example.com`;
  const password = 'purple-otter-lantern-42';
  const { data } = expectStatus(await api().POST('/api/v1/auth/register', { body: { email, password, name: 'Smoke Test' } }), 201, 'POST /api/v1/auth/register');
  check(data !== undefined, 'register: no body');
  check(data.user.email === email && data.user.name === 'Smoke Test' && data.user.emailVerified === false, `register: unexpected user ${JSON.stringify(data.user)}`);
  // The 201 is a oneOf: tokens, or (REQUIRE_VERIFIED_EMAIL=true) `emailVerificationRequired` without them.
  check('accessToken' in data, 'register: asked for email verification, expected tokens');
  check(data.tokenType === 'Bearer' && data.accessToken.length > 0 && data.refreshToken.length > 0, 'register: missing tokens');
  check(data.expiresIn > 0 && data.refreshExpiresIn > 0, 'register: non-positive lifetimes');
  return { email, password, auth: data };
}

/** Runs a smoke script: prints the outcome and exits non-zero on any failure. */
export function run(name: string, script: () => Promise<void>): void {
  script().then(
    () => process.stdout.write(`${name}: passed\n`),
    (error: unknown) => {
      process.stderr.write(`${name}: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
