import { ApiProperty } from '@nestjs/swagger';
import { UserDto } from '../../users/dto/user.dto.js';

/** Registration while REQUIRE_VERIFIED_EMAIL=true: the account exists, but no session until the address is confirmed. */
export class VerificationRequiredDto {
  @ApiProperty({ type: UserDto })
  user: UserDto;

  @ApiProperty({ enum: [true], description: 'Always true: confirm the address with the emailed link, then log in.' })
  emailVerificationRequired: true;
}
