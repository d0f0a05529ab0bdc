import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';
import { NormalizeEmail } from '../../common/http/transforms.js';
import { MaxCodePoints } from '../../common/http/validators.js';

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'ada@example.com' })
  @NormalizeEmail()
  @IsString()
  @MaxCodePoints(254)
  email: string;

  @ApiProperty({ maxLength: 1024, example: 'correct horse battery staple' })
  @IsString()
  @MaxCodePoints(1024)
  password: string;
}
