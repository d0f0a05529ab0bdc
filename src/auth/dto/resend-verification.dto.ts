import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, MaxLength } from 'class-validator';
import { NormalizeEmail } from '../../common/http/transforms.js';

/** Without an access token the address says whose link to resend; with one the body stays empty. */
export class ResendVerificationDto {
  @ApiPropertyOptional({
    format: 'email',
    maxLength: 254,
    example: 'ada@example.com',
    description: 'Required without an access token, not allowed with one. Trimmed and lower-cased.',
  })
  @IsOptional()
  @NormalizeEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email?: string;
}
