import { Controller, Get, Header, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/public.decorator.js';
import { ApiProblemResponses } from '../common/problem/api-problem-responses.decorator.js';
import { type Jwks, JwtKeys } from './jwt-keys.js';
import { JWKS_MAX_AGE_SECONDS } from './signing-keys/signing-keys.service.js';

const JWKS_SCHEMA = {
  type: 'object',
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      description: 'The next, current and previous public keys (RFC 7517).',
      items: {
        type: 'object',
        required: ['kty', 'kid', 'alg', 'use'],
        properties: {
          kty: { type: 'string', enum: ['EC', 'RSA'] },
          kid: { type: 'string' },
          alg: { type: 'string', enum: ['ES256', 'RS256'] },
          use: { type: 'string', enum: ['sig'] },
          crv: { type: 'string', description: 'EC only' },
          x: { type: 'string', description: 'EC only' },
          y: { type: 'string', description: 'EC only' },
          n: { type: 'string', description: 'RSA only' },
          e: { type: 'string', description: 'RSA only' },
        },
      },
    },
  },
};

/** Outside /api (like /health): where stock JWKS clients look. */
@ApiTags('auth')
@Public()
@Controller({ path: '.well-known', version: VERSION_NEUTRAL })
export class JwksController {
  constructor(private readonly keys: JwtKeys) {}

  @Get('jwks.json')
  @Header('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  @ApiOperation({
    operationId: 'auth_jwks',
    summary: 'The public keys that verify access tokens (JWKS)',
    description: 'With JWT_ALGORITHM ES256 or RS256. Pick the key by the token\'s `kid`; cache for up to 5 minutes. 404 with HS256.',
  })
  @ApiOkResponse({ description: 'The JSON Web Key Set.', schema: JWKS_SCHEMA, headers: { 'Cache-Control': { schema: { type: 'string', example: 'public, max-age=300' } } } })
  @ApiProblemResponses(404, 429)
  jwks(): Jwks {
    return this.keys.jwks();
  }
}
