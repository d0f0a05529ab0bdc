import type { KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user.js';
import { ApiProblem } from '../../common/problem/api-problem.js';
import { AppConfig } from '../../config/app-config.js';
import { JwtKeys } from '../jwt-keys.js';
import { SessionsService } from '../sessions.service.js';
import { type AccessTokenClaims, isUuid, JWT_ALGORITHM } from '../token-claims.js';

/** passport-jwt's types predate KeyObject support in jsonwebtoken, which it hands the key to unchanged. */
export const asVerificationKey = (key: KeyObject): Buffer => key as unknown as Buffer;

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
      secretOrKey: asVerificationKey(keys.access),
      algorithms: [JWT_ALGORITHM],
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
