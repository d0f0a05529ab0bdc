import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiExtraModels, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator.js';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { CurrentUser } from '../common/auth/current-user.decorator.js';
import { AuthRateLimit } from '../common/http/rate-limit.js';
import { Public } from '../common/auth/public.decorator.js';
import { ApiProblemResponses } from '../common/problem/api-problem-responses.decorator.js';
import { AuthService } from './auth.service.js';
import { Client, type ClientInfo } from './client-info.decorator.js';
import { AuthResponseDto } from './dto/auth-response.dto.js';
import { LoginDto } from './dto/login.dto.js';
import { MfaChallengeDto } from './mfa/dto/mfa.dto.js';
import { RefreshDto } from './dto/refresh.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import { SessionDto } from './dto/session.dto.js';
import { VerificationRequiredDto } from './dto/verification-required.dto.js';
import type { RefreshCaller } from './token-claims.js';
import { RefreshTokenGuard } from './token-guards.js';
import { RefreshCallerParam } from './refresh-caller.decorator.js';

@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @AuthRateLimit()
  @Post('register')
  @ApiOperation({
    operationId: 'auth_register',
    summary: 'Create an account and log in',
    description:
      'Answers an `AuthResponse` (logged in). With REQUIRE_VERIFIED_EMAIL=true it answers `{ user, emailVerificationRequired: true }` ' +
      'instead: no tokens and no session until the address is confirmed with the emailed link; then log in.',
  })
  @ApiExtraModels(AuthResponseDto, VerificationRequiredDto)
  @ApiCreatedResponse({ schema: { oneOf: [{ $ref: getSchemaPath(AuthResponseDto) }, { $ref: getSchemaPath(VerificationRequiredDto) }] } })
  @ApiProblemResponses(400, 409, 413, 415, 429, 503)
  register(@Body() body: RegisterDto, @Client() client: ClientInfo): Promise<AuthResponseDto | VerificationRequiredDto> {
    return this.auth.register(body, client);
  }

  @Public()
  @AuthRateLimit()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'auth_login',
    summary: 'Log in: starts a new session',
    description:
      'Answers an `AuthResponse`; for an account with two-factor sign-in, an `MfaChallenge` `{ mfaRequired: true, mfaToken, expiresIn }` ' +
      'instead (no tokens yet): finish with POST /auth/login/mfa.',
  })
  @ApiExtraModels(AuthResponseDto, MfaChallengeDto)
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(AuthResponseDto) }, { $ref: getSchemaPath(MfaChallengeDto) }] } })
  @ApiProblemResponses(400, 401, 403, 413, 415, 429, 503)
  login(@Body() body: LoginDto, @Client() client: ClientInfo): Promise<AuthResponseDto | MfaChallengeDto> {
    return this.auth.login(body, client);
  }

  @Public()
  @AuthRateLimit()
  @UseGuards(RefreshTokenGuard)
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'auth_refresh',
    summary: 'Exchange the refresh token for a new pair',
    description:
      'Rotates: the presented token dies. Presenting it again within REFRESH_REUSE_GRACE seconds returns a fresh access token ' +
      'and the current refresh token (the same string the first caller got); later, or for older tokens, the whole session is ' +
      'revoked. 400 when the body holds no refreshToken string; 401 when the token is forged, expired, reused, or its session has ended; 403 ' +
      '`email-not-verified` while REQUIRE_VERIFIED_EMAIL=true and the address is not confirmed.',
  })
  @ApiBody({ type: RefreshDto })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiProblemResponses(400, 401, 403, 413, 415, 429, 503)
  refresh(@RefreshCallerParam() caller: RefreshCaller, @Body() _body: RefreshDto, @Client() client: ClientInfo): Promise<AuthResponseDto> {
    return this.auth.refresh(caller, client);
  }

  @Authenticated()
  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'auth_logout', summary: 'End this session' })
  @ApiNoContentResponse({ description: 'The session is over; its tokens get 401 from now on.' })
  logout(@CurrentUser() caller: AuthenticatedUser): Promise<void> {
    return this.auth.logout(caller);
  }

  @Authenticated()
  @Post('logout-all')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'auth_logoutAll', summary: 'End every session of this user, this one included' })
  @ApiNoContentResponse({ description: 'All sessions are over.' })
  logoutAll(@CurrentUser() caller: AuthenticatedUser): Promise<void> {
    return this.auth.logoutAll(caller);
  }

  @Authenticated()
  @Get('sessions')
  @ApiOperation({ operationId: 'auth_listSessions', summary: 'The live sessions of this user' })
  @ApiOkResponse({ type: [SessionDto] })
  listSessions(@CurrentUser() caller: AuthenticatedUser): Promise<SessionDto[]> {
    return this.auth.listSessions(caller);
  }

  @Authenticated()
  @Delete('sessions/:id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'auth_revokeSession', summary: 'End one of your sessions' })
  @ApiParam({ name: 'id', format: 'uuid', description: 'A session id from GET /auth/sessions; unknown, malformed, ended or foreign ids are all 404.' })
  @ApiNoContentResponse({ description: 'Revoked.' })
  @ApiProblemResponses(404)
  revokeSession(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<void> {
    return this.auth.revokeSession(caller, id);
  }
}
