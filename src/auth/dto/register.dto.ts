import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, MaxLength } from 'class-validator';
import { NormalizeEmail, Trim } from '../../common/http/transforms.js';
import { PASSWORD_MAX_CHARACTERS, PASSWORD_MIN_CHARACTERS } from '../../users/password-policy.js';
import { IsAcceptablePassword } from '../../users/dto/is-acceptable-password.decorator.js';

export class RegisterDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com', description: 'Trimmed and lower-cased.' })
  @NormalizeEmail()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_CHARACTERS,
    maxLength: PASSWORD_MAX_CHARACTERS,
    example: 'correct horse battery staple',
    description: 'Characters, not bytes; never trimmed; common passwords are refused.',
  })
  @IsAcceptablePassword()
  password: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 100, example: 'Ada Lovelace' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  name?: string | null;
}
