import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { NormalizeEmail } from '../../common/http/transforms.js';

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com' })
  @NormalizeEmail()
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty({ maxLength: 1024, example: 'correct horse battery staple' })
  @IsString()
  @MaxLength(1024)
  password: string;
}
