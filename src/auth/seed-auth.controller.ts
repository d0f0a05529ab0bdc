import { Body, Controller, HttpCode, HttpStatus, Post, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator.js';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { CurrentUser } from '../common/auth/current-user.decorator.js';
import { Public } from '../common/auth/public.decorator.js';
import { AuthRateLimit } from '../common/http/rate-limit.js';
import { ApiProblemResponses } from '../common/problem/api-problem-responses.decorator.js';
import { AuthService } from './auth.service.js';
import { Client, type ClientInfo } from './client-info.decorator.js';
import { SeedAuthResponseDto, SeedVerificationRequiredDto, seedRegistration } from './dto/seed-auth-response.dto.js';
import { SeedLoginDto } from './dto/seed-login.dto.js';
import { SeedLogoutDto } from './dto/seed-logout.dto.js';
import { SeedRegisterDto } from './dto/seed-register.dto.js';

const DIFFERENCES =
  'Deprecated: the seed dialect, for frontends written against the FastAPI app tasknest grew from (its auth-api.yaml); use `/api/v1/auth`. ' +
  'The same AuthService, rules, sessions, rate limits (one counter shared with the /api/v1 twin) and timing as the /api/v1 twin; only the bodies differ. ' +
  'Where the seed documents and tasknest differ on purpose (tasknest’s contract wins): every error is RFC 9457 `application/problem+json` with a ' +
  'string `detail`, not the seed’s `{ success: false, error: { code, message } }`; the access token lives JWT_ACCESS_TTL (default 15 min, not 1 h) ' +
  'and carries `sub`/`sid` rather than `user_id`/`email`; the answer adds `refresh_token` and `expires_in` (refresh through /api/v1/auth/refresh).';

const operation = (name: string, summary: string, differs: string) =>
  ApiOperation({ operationId: `seedAuth_${name}`, summary, deprecated: true, description: `${DIFFERENCES}\n\nThis operation: ${differs}` });

/** `/api/auth/register|login|logout` in the seed dialect: AuthService as on /api/v1/auth, rendered as the seed's bodies here. */
@ApiTags('seed-auth')
@Controller({ path: 'auth', version: VERSION_NEUTRAL })
export class SeedAuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @AuthRateLimit('/api/v1/auth/register')
  @Post('register')
  @operation('register', 'Create an account and log in', 'takes `{ email, password, name? }`: `name` is sent by the seed’s frontends though its document does not list it; any other property is 400. Email at most 254 characters (the seed says 255), common passwords refused.')
  @ApiExtraModels(SeedAuthResponseDto, SeedVerificationRequiredDto)
  @ApiCreatedResponse({
    description: 'Tokens; or, with REQUIRE_VERIFIED_EMAIL=true, `{ user, email_verification_required: true }` and no tokens until the address is confirmed.',
    schema: { oneOf: [{ $ref: getSchemaPath(SeedAuthResponseDto) }, { $ref: getSchemaPath(SeedVerificationRequiredDto) }] },
  })
  @ApiProblemResponses(400, 409, 413, 415, 429, 503)
  async register(@Body() body: SeedRegisterDto, @Client() client: ClientInfo): Promise<SeedAuthResponseDto | SeedVerificationRequiredDto> {
    return seedRegistration(await this.auth.register(body, client));
  }

  @Public()
  @AuthRateLimit('/api/v1/auth/login')
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @operation('login', 'Log in: starts a new session', 'one generic 401 for an unknown email and a wrong password; 403 (`email-not-verified`) with REQUIRE_VERIFIED_EMAIL=true until the address is confirmed; 403 (`mfa-required`) for an account with two-factor sign-in (the seed has no second step: use /api/v1/auth/login); 429 past the rate limit.')
  @ApiOkResponse({ type: SeedAuthResponseDto })
  @ApiProblemResponses(400, 401, 403, 413, 415, 429, 503)
  async login(@Body() body: SeedLoginDto, @Client() client: ClientInfo): Promise<SeedAuthResponseDto> {
    const answer = await this.auth.login(body, client, 'refuse');
    if ('mfaRequired' in answer) throw new Error('unreachable: login with mfa refuse answered a challenge');
    return SeedAuthResponseDto.from(answer);
  }

  @Authenticated()
  @Post('logout')
  @HttpCode(HttpStatus.OK)
  @operation('logout', 'End this session', 'not optional as in the seed: the session ends and its tokens get 401 from the next request on (as /api/v1/auth/logout, which answers 204).')
  @ApiOkResponse({ type: SeedLogoutDto })
  async logout(@CurrentUser() caller: AuthenticatedUser): Promise<SeedLogoutDto> {
    await this.auth.logout(caller);
    return SeedLogoutDto.loggedOut();
  }
}
