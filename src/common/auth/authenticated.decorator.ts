import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblemResponses } from '../problem/api-problem-responses.decorator.js';

export const ACCESS_TOKEN_SCHEME = 'accessToken';

/**
 * Documents that a controller or route needs an access token. The global guard enforces it for
 * every route that is not @Public(); an e2e test checks the document and the guard agree.
 * 503: the guard's session check reads the database, so any authenticated call can meet an outage.
 */
export const Authenticated = () => applyDecorators(ApiBearerAuth(ACCESS_TOKEN_SCHEME), ApiProblemResponses(401, 429, 503));
