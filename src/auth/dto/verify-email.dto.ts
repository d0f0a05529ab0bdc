import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class VerifyEmailDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 256,
    example: 'kq3Vb0yJ2H7z2p1kX9wqz6mI3rT0g8sC5dYQeLhN4aU',
    description: 'The `token` query parameter of the link in the verification email (`/verify-email?token=…`).',
  })
  @IsString()
  @Length(1, 256)
  token: string;
}
