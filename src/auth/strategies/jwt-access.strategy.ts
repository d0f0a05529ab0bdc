import type { KeyObject } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user.js';
import { ApiProblem } from '../../common/problem/api-problem.js';
import { AppConfig } from '../../config/app-config.js';
import { JwtKeys } from '../jwt-keys.js';
import { SessionsService } from '../sessions.service.js';
import type { KeyPurpose } from '../signing-keys/signing-key.entity.js';
import { type AccessTokenClaims, isUuid, JWT_ALGORITHMS } from '../token-claims.js';

type KeyCallback = (error: Error | null, key?: Buffer) => void;

/**
 * passport-jwt's secretOrKeyProvider over the in-memory ring: the key named by the token's kid
 * (which also pins that key's algorithm), or a failure (401). passport-jwt's types predate
 * KeyObject support in jsonwebtoken, which it hands the key to unchanged.
 */
export const keyProvider = (keys: JwtKeys, purpose: KeyPurpose) => (_request: FastifyRequest, token: string, done: KeyCallback) => {
  const key: KeyObject | null = keys.verificationKey(purpose, token);
  if (key) done(null, key as unknown as Buffer);
  else done(new Error('no such signing key'));
};

const ACCESS_STRATEGY = 'jwt-access';

@Injectable()
export class JwtAccessStrategy extends PassportStrategy(Strategy, ACCESS_STRATEGY) {
  constructor(
    keys: JwtKeys,
    config: AppConfig,
    private readonly sessions: SessionsService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: keyProvider(keys, 'access'),
      algorithms: JWT_ALGORITHMS,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    });
  }

  async validate(claims: Partial<AccessTokenClaims>): Promise<AuthenticatedUser> {
    // jsonwebtoken checks exp only when present: a token without one would never expire.
    if (claims.typ !== 'access' || !isUuid(claims.sub) || !isUuid(claims.sid) || !Number.isSafeInteger(claims.exp)) {
      throw ApiProblem.unauthorized('The access token is not valid.');
    }
    if (!(await this.sessions.isActive(claims.sid, claims.sub))) {
      throw ApiProblem.unauthorized('The session of this access token has ended.');
    }
    return { userId: claims.sub, sessionId: claims.sid };
  }
}
