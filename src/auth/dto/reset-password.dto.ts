import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { IsAcceptablePassword } from '../../users/dto/is-acceptable-password.decorator.js';
import { PASSWORD_MAX_CHARACTERS, PASSWORD_MIN_CHARACTERS } from '../../users/password-policy.js';

export class ResetPasswordDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 256,
    example: 'kq3Vb0yJ2H7z2p1kX9wqz6mI3rT0g8sC5dYQeLhN4aU',
    description: 'The `token` query parameter of the link in the reset email (`/reset-password?token=…`).',
  })
  @IsString()
  @Length(1, 256)
  token: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_CHARACTERS,
    maxLength: PASSWORD_MAX_CHARACTERS,
    example: 'correct horse battery staple',
    description: 'Same rules as at registration: characters, not bytes; never trimmed; common and whitespace-only passwords are refused.',
  })
  @IsAcceptablePassword()
  newPassword: string;
}
