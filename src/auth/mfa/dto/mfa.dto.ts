import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

const CODE_PATTERN = /^\d{6}$/;

export class MfaSetupDto {
  @ApiProperty({ maxLength: 1024, description: 'The current password, to confirm.' })
  @IsString()
  @MaxLength(1024)
  password: string;
}

export class MfaCodeDto {
  @ApiProperty({ pattern: CODE_PATTERN.source, example: '123456', description: 'The 6-digit code the authenticator app shows now.' })
  @IsString()
  @Matches(CODE_PATTERN, { message: 'code must be 6 digits' })
  code: string;
}

export class MfaPasswordAndCodeDto {
  @ApiProperty({ maxLength: 1024, description: 'The current password.' })
  @IsString()
  @MaxLength(1024)
  password: string;

  @ApiProperty({ pattern: CODE_PATTERN.source, example: '123456', description: 'A current code from the authenticator app.' })
  @IsString()
  @Matches(CODE_PATTERN, { message: 'code must be 6 digits' })
  code: string;
}

export class LoginMfaDto {
  @ApiProperty({ maxLength: 128, pattern: '^[A-Za-z0-9_-]+$', description: 'From the `MfaChallenge` that POST /auth/login answered.' })
  @IsString()
  @MaxLength(128)
  mfaToken: string;

  @ApiPropertyOptional({ pattern: CODE_PATTERN.source, example: '123456', description: 'The authenticator code; give this or `recoveryCode`, not both.' })
  @IsOptional()
  @IsString()
  @Matches(CODE_PATTERN, { message: 'code must be 6 digits' })
  code?: string;

  @ApiPropertyOptional({ maxLength: 32, example: 'k7m2q-x9d4w', description: 'One of the recovery codes (each works once); instead of `code`.' })
  @IsOptional()
  @IsString()
  @MaxLength(32)
  recoveryCode?: string;
}

export class MfaSetupResponseDto {
  @ApiProperty({ description: 'The base32 TOTP secret (SHA-1, 6 digits, 30 s), pending until confirmed with a first code.', example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })
  secret: string;

  @ApiProperty({ description: 'The same secret as an `otpauth://` URI, for a QR code.', example: 'otpauth://totp/tasknest:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=tasknest' })
  otpauthUri: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], minItems: 10, maxItems: 10, description: 'Shown once: each code logs in once instead of an authenticator code.', example: ['k7m2q-x9d4w'] })
  recoveryCodes: string[];
}

/** The answer of POST /auth/login for an account with two-factor sign-in: no tokens yet. */
export class MfaChallengeDto {
  @ApiProperty({ enum: [true], description: 'Always true: finish with POST /auth/login/mfa.' })
  mfaRequired: true;

  @ApiProperty({ maxLength: 128, pattern: '^[A-Za-z0-9_-]+$', description: 'Single use, lives `expiresIn` seconds, dies after 5 wrong codes.' })
  mfaToken: string;

  @ApiProperty({ example: 300 })
  expiresIn: number;
}
