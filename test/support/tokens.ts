import type { TestApp } from './test-app.js';

/** The claims of a JWT, read without verifying it (tests only). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function refresh(t: TestApp, refreshToken: string, userAgent = 'jest') {
  return t.http().post('/api/v1/auth/refresh').set('User-Agent', userAgent).send({ refreshToken });
}

export function getMe(t: TestApp, accessToken: string) {
  return t.http().get('/api/v1/users/me').set('Authorization', `Bearer ${accessToken}`);
}

export interface SessionRow extends Record<string, unknown> {
  id: string;
  refresh_generation: number;
  revoked_at: Date | null;
  revoked_reason: string | null;
  last_used_at: Date;
  created_at: Date;
  expires_at: Date;
  user_agent: string | null;
  ip: string | null;
}

export async function sessionRow(t: TestApp, sessionId: string): Promise<SessionRow | undefined> {
  const [row] = await t.sql<SessionRow>(
    'SELECT id, refresh_generation, revoked_at, revoked_reason, last_used_at, created_at, expires_at, user_agent, ip FROM sessions WHERE id = $1',
    [sessionId],
  );
  return row;
}

export const sessionIdOf = (token: string): string => String(claimsOf(token).sid);
