import { Body, Controller, Delete, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/authenticated.decorator.js';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user.js';
import { CurrentUser } from '../../common/auth/current-user.decorator.js';
import { Public } from '../../common/auth/public.decorator.js';
import { AuthRateLimit } from '../../common/http/rate-limit.js';
import { ApiProblemResponses } from '../../common/problem/api-problem-responses.decorator.js';
import { AuthService } from '../auth.service.js';
import { Client, type ClientInfo } from '../client-info.decorator.js';
import { AuthResponseDto } from '../dto/auth-response.dto.js';
import { LoginMfaDto, MfaCodeDto, MfaPasswordAndCodeDto, MfaSetupDto, MfaSetupResponseDto, RecoveryCodesDto } from './dto/mfa.dto.js';
import { MfaService } from './mfa.service.js';

/** Two-factor sign-in (TOTP, RFC 6238): enrolment, turning it off, recovery codes, and the login's second step. */
@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    private readonly auth: AuthService,
  ) {}

  @Authenticated()
  @AuthRateLimit()
  @Post('mfa/totp/setup')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'auth_mfaTotpSetup',
    summary: 'Start enrolling an authenticator app',
    description: 'Needs the password (a wrong one is 403). Answers a pending secret; two-factor sign-in goes on with POST /auth/mfa/totp/confirm. 409 when already on.',
  })
  @ApiOkResponse({ type: MfaSetupResponseDto })
  @ApiProblemResponses(400, 403, 409, 413, 415)
  setup(@CurrentUser() caller: AuthenticatedUser, @Body() body: MfaSetupDto): Promise<MfaSetupResponseDto> {
    return this.mfa.setup(caller, body.password);
  }

  @Authenticated()
  @AuthRateLimit()
  @Post('mfa/totp/confirm')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'auth_mfaTotpConfirm',
    summary: 'Turn two-factor sign-in on with a first code',
    description: 'Answers 10 recovery codes, shown this once. Every other session of the user ends. A wrong code is 403 `wrong-mfa-code`; 409 without a pending setup.',
  })
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiProblemResponses(400, 403, 409, 413, 415)
  confirm(@CurrentUser() caller: AuthenticatedUser, @Body() body: MfaCodeDto): Promise<RecoveryCodesDto> {
    return this.mfa.confirm(caller, body.code);
  }

  @Authenticated()
  @AuthRateLimit()
  @Delete('mfa/totp')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'auth_mfaTotpDisable',
    summary: 'Turn two-factor sign-in off',
    description: 'Needs both factors: the password (403 `wrong-password`) and a fresh code (403 `wrong-mfa-code`). Every other session ends; recovery codes die.',
  })
  @ApiNoContentResponse({ description: 'Off; logging in takes the password only.' })
  @ApiProblemResponses(400, 403, 409, 413, 415)
  disable(@CurrentUser() caller: AuthenticatedUser, @Body() body: MfaPasswordAndCodeDto): Promise<void> {
    return this.mfa.disable(caller, body);
  }

  @Authenticated()
  @AuthRateLimit()
  @Post('mfa/recovery-codes')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'auth_mfaRegenerateRecoveryCodes',
    summary: 'New recovery codes (the old ones die)',
    description: 'Needs the password and a fresh code, as turning it off does.',
  })
  @ApiOkResponse({ type: RecoveryCodesDto })
  @ApiProblemResponses(400, 403, 409, 413, 415)
  regenerate(@CurrentUser() caller: AuthenticatedUser, @Body() body: MfaPasswordAndCodeDto): Promise<RecoveryCodesDto> {
    return this.mfa.regenerateRecoveryCodes(caller, body);
  }

  @Public()
  @AuthRateLimit()
  @Post('login/mfa')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    operationId: 'auth_loginMfa',
    summary: 'Finish an MFA login: starts a new session',
    description:
      'The `mfaToken` from POST /auth/login with `code` (authenticator) or `recoveryCode`. A code of a time step at or before the last accepted one is refused ' +
      '(RFC 6238 §5.2). 401 for a wrong code; the mfaToken works once, lives 5 minutes and dies after 5 wrong codes (then 401: log in again).',
  })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiProblemResponses(400, 401, 413, 415, 429, 503)
  loginMfa(@Body() body: LoginMfaDto, @Client() client: ClientInfo): Promise<AuthResponseDto> {
    return this.auth.loginMfa(body, client);
  }
}
