import { ApiProperty } from '@nestjs/swagger';
import { NormalizeEmail } from '../../common/http/transforms.js';
import { ACCOUNT_EMAIL_DESCRIPTION, ACCOUNT_EMAIL_PATTERN, IsAccountEmail, MaxCodePoints } from '../../common/http/validators.js';

export class ForgotPasswordDto {
  @ApiProperty({ format: 'email', maxLength: 254, pattern: ACCOUNT_EMAIL_PATTERN, example: 'ada@example.com', description: ACCOUNT_EMAIL_DESCRIPTION })
  @NormalizeEmail()
  @IsAccountEmail()
  @MaxCodePoints(254)
  email: string;
}
