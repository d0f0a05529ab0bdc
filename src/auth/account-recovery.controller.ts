import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { CurrentUserIfAny, OptionallyAuthenticated } from '../common/auth/optional-authentication.decorator.js';
import { Public } from '../common/auth/public.decorator.js';
import { AuthRateLimit } from '../common/http/rate-limit.js';
import { ApiProblemResponses } from '../common/problem/api-problem-responses.decorator.js';
import { AccountRecoveryService } from './account-recovery.service.js';
import { ForgotPasswordDto } from './dto/forgot-password.dto.js';
import { ResendVerificationDto } from './dto/resend-verification.dto.js';
import { ResetPasswordDto } from './dto/reset-password.dto.js';
import { VerifyEmailDto } from './dto/verify-email.dto.js';

@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
export class AccountRecoveryController {
  constructor(private readonly recovery: AccountRecoveryService) {}

  @Public()
  @AuthRateLimit()
  @Post('password/forgot')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'auth_forgotPassword',
    summary: 'Email a password reset link',
    description:
      'Always 202 with an empty body, in about the same time, whether or not the address has an account: the answer never ' +
      'tells. For an account, one email with `{APP_URL}/reset-password?token=…` is sent (valid PASSWORD_RESET_TTL, once); a ' +
      'newer link voids older ones. At most MAIL_PER_ADDRESS_PER_HOUR emails go to one address per hour; beyond that the ' +
      'request is still 202 and nothing is sent.',
  })
  @ApiAcceptedResponse({ description: 'Accepted; empty body.' })
  @ApiProblemResponses(400, 413, 415, 429)
  forgotPassword(@Body() body: ForgotPasswordDto): Promise<void> {
    return this.recovery.forgotPassword(body.email);
  }

  @Public()
  @AuthRateLimit()
  @Post('password/reset')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'auth_resetPassword',
    summary: 'Set a new password with the emailed token',
    description:
      'Uses the token up, sets the password (same rules as at registration), ends every session of the user (their access ' +
      'and refresh tokens get 401 from now on) and marks the email address verified. An unknown, expired, used or replaced ' +
      'token is 400 `invalid-token`.',
  })
  @ApiNoContentResponse({ description: 'Password changed; log in with it.' })
  @ApiProblemResponses(400, 413, 415, 429)
  resetPassword(@Body() body: ResetPasswordDto): Promise<void> {
    return this.recovery.resetPassword(body);
  }

  @Public()
  @AuthRateLimit()
  @Post('email/verify')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({
    operationId: 'auth_verifyEmail',
    summary: 'Confirm the email address with the emailed token',
    description: 'Sets `emailVerified` to true. An unknown, expired or used token is 400 `invalid-token`.',
  })
  @ApiNoContentResponse({ description: 'The address is verified.' })
  @ApiProblemResponses(400, 413, 415, 429)
  verifyEmail(@Body() body: VerifyEmailDto): Promise<void> {
    return this.recovery.verifyEmail(body.token);
  }

  @OptionallyAuthenticated()
  @AuthRateLimit()
  @Post('email/verify/resend')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    operationId: 'auth_resendVerification',
    summary: 'Email a new verification link to the caller, or to an address',
    description:
      'With an access token and no body: to the caller. Without a token: body `{ email }` (someone who may not log in ' +
      'before confirming, REQUIRE_VERIFIED_EMAIL=true, holds none); the answer is the same, in about the same time, ' +
      'whether the address is unknown, unverified or already verified. Always 202 with an empty body. Nothing is sent when ' +
      'the address is already verified or MAIL_PER_ADDRESS_PER_HOUR was reached. Earlier verification links keep working until they expire.',
  })
  @ApiBody({ type: ResendVerificationDto, required: false })
  @ApiAcceptedResponse({ description: 'Accepted; empty body.' })
  @ApiProblemResponses(400, 413, 415)
  resendVerification(@CurrentUserIfAny() caller: AuthenticatedUser | null, @Body() body: ResendVerificationDto): Promise<void> {
    return this.recovery.resendVerification(caller, body.email);
  }
}
