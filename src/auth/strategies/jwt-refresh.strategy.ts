import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ApiProblem } from '../../common/problem/api-problem.js';
import { AppConfig } from '../../config/app-config.js';
import { JwtKeys } from '../jwt-keys.js';
import { isUuid, JWT_ALGORITHMS, type RefreshCaller, type RefreshTokenClaims } from '../token-claims.js';
import { keyProvider } from './jwt-access.strategy.js';

const REFRESH_STRATEGY = 'jwt-refresh';

/** Verifies the refresh token from the body with the refresh key; the session check is the rotation itself. */
@Injectable()
export class JwtRefreshStrategy extends PassportStrategy(Strategy, REFRESH_STRATEGY) {
  constructor(keys: JwtKeys, config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromBodyField('refreshToken'),
      secretOrKeyProvider: keyProvider(keys, 'refresh'),
      algorithms: JWT_ALGORITHMS,
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
    });
  }

  validate(claims: Partial<RefreshTokenClaims>): RefreshCaller {
    if (claims.typ !== 'refresh' || !isUuid(claims.sub) || !isUuid(claims.sid) || !Number.isSafeInteger(claims.gen) || !Number.isSafeInteger(claims.exp)) {
      throw ApiProblem.unauthorized('The refresh token is not valid.');
    }
    return { userId: claims.sub, sessionId: claims.sid, generation: claims.gen as number };
  }
}
