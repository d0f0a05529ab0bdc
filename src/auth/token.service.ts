import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config.js';
import { JwtKeys } from './jwt-keys.js';
import type { Session } from './session.entity.js';
import type { RefreshTokenClaims } from './token-claims.js';

export type RefreshState = Pick<Session, 'id' | 'userId' | 'refreshGeneration' | 'refreshIssuedAt' | 'expiresAt'>;

const toSeconds = (date: Date) => Math.floor(date.getTime() / 1000);
/** Rounded up so the token never dies before its session does; the session row has the exact instant. */
const toSecondsCeil = (date: Date) => Math.ceil(date.getTime() / 1000);

@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly keys: JwtKeys,
    private readonly config: AppConfig,
  ) {}

  get accessTtlSeconds(): number {
    return this.config.jwt.accessTtlSeconds;
  }

  mintAccessToken(userId: string, sessionId: string): string {
    const signing = this.keys.signingKey('access');
    return this.jwt.sign(
      { typ: 'access', sid: sessionId, jti: randomUUID() },
      {
        privateKey: signing.key,
        algorithm: signing.algorithm,
        keyid: signing.kid,
        subject: userId,
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
        expiresIn: this.config.jwt.accessTtlSeconds,
      },
    );
  }

  /**
   * Deterministic: the same session state always yields the same bytes (HMAC over fixed claims,
   * under the same current refresh key), so the current refresh token can be handed out again
   * without ever being stored.
   */
  mintRefreshToken(state: RefreshState): string {
    const claims: RefreshTokenClaims = {
      typ: 'refresh',
      sub: state.userId,
      sid: state.id,
      gen: state.refreshGeneration,
      jti: `${state.id}.${state.refreshGeneration}`,
      iss: this.config.jwt.issuer,
      aud: this.config.jwt.audience,
      iat: toSeconds(state.refreshIssuedAt),
      exp: toSecondsCeil(state.expiresAt),
    };
    const signing = this.keys.signingKey('refresh');
    return this.jwt.sign(claims, { privateKey: signing.key, algorithm: signing.algorithm, keyid: signing.kid });
  }
}
