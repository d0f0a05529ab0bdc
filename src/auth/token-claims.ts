import type { Algorithm } from 'jsonwebtoken';

/** What jsonwebtoken may accept at all; each key then pins its own one (JwtKeys.verificationKey). */
export const JWT_ALGORITHMS: Algorithm[] = ['HS256', 'ES256', 'RS256'];

export interface AccessTokenClaims {
  typ: 'access';
  sub: string;
  sid: string;
  jti: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

export interface RefreshTokenClaims {
  typ: 'refresh';
  sub: string;
  sid: string;
  /** The session's refresh generation this token belongs to. */
  gen: number;
  jti: string;
  iss: string;
  aud: string;
  iat: number;
  exp: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/** What the refresh strategy hands to the controller. */
export interface RefreshCaller {
  userId: string;
  sessionId: string;
  generation: number;
}
