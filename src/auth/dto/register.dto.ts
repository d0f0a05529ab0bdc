import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { NormalizeEmail, Trim } from '../../common/http/transforms.js';
import { ACCOUNT_EMAIL_DESCRIPTION, ACCOUNT_EMAIL_PATTERN, IsAccountEmail, MaxCodePoints } from '../../common/http/validators.js';
import { PASSWORD_MAX_CHARACTERS, PASSWORD_MIN_CHARACTERS } from '../../users/password-policy.js';
import { IsAcceptablePassword } from '../../users/dto/is-acceptable-password.decorator.js';

export class RegisterDto {
  @ApiProperty({ format: 'email', maxLength: 254, pattern: ACCOUNT_EMAIL_PATTERN, example: 'ada@example.com', description: ACCOUNT_EMAIL_DESCRIPTION })
  @NormalizeEmail()
  @IsAccountEmail()
  @MaxCodePoints(254)
  email: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_CHARACTERS,
    maxLength: PASSWORD_MAX_CHARACTERS,
    example: 'correct horse battery staple',
    description: 'Characters, not bytes; never trimmed; common and whitespace-only passwords are refused.',
  })
  @IsAcceptablePassword()
  password: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'Ada Lovelace' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxCodePoints(100)
  name?: string | null;
}
