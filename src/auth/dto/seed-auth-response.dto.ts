import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { AuthResponseDto } from './auth-response.dto.js';
import type { VerificationRequiredDto } from './verification-required.dto.js';

@ApiSchema({ name: 'SeedUser', description: "The seed's UserInfo." })
export class SeedUserDto {
  @ApiProperty({ format: 'uuid', example: '7c9f2d4a-0b1e-4c5d-8e6f-1a2b3c4d5e6f', description: 'The `{user_id}` of your /api/{user_id}/tasks routes.' })
  id: string;

  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  email: string;
}

/** The seed's AuthResponse (snake_case, `token_type: "bearer"`), plus tasknest's refresh_token and expires_in. */
@ApiSchema({ name: 'SeedAuthResponse' })
export class SeedAuthResponseDto {
  @ApiProperty({ description: 'A JWT; send it as `Authorization: Bearer <access_token>`.' })
  access_token: string;

  @ApiProperty({ enum: ['bearer'], example: 'bearer' })
  token_type: 'bearer';

  @ApiProperty({ type: SeedUserDto })
  user: SeedUserDto;

  @ApiProperty({ description: 'tasknest extension: a JWT for POST /api/v1/auth/refresh (`{ "refreshToken": … }`), which rotates it on every use.' })
  refresh_token: string;

  @ApiProperty({ description: 'tasknest extension: seconds until the access token expires.', example: 900 })
  expires_in: number;

  static from(response: AuthResponseDto): SeedAuthResponseDto {
    return {
      access_token: response.accessToken,
      token_type: 'bearer',
      user: { id: response.user.id, email: response.user.email },
      refresh_token: response.refreshToken,
      expires_in: response.expiresIn,
    };
  }
}

/** Seed register while REQUIRE_VERIFIED_EMAIL=true: the account exists, no tokens until the address is confirmed. */
@ApiSchema({ name: 'SeedVerificationRequired' })
export class SeedVerificationRequiredDto {
  @ApiProperty({ type: SeedUserDto })
  user: SeedUserDto;

  @ApiProperty({ enum: [true], description: 'Always true: confirm the address with the emailed link, then log in.' })
  email_verification_required: true;
}

/** What POST /api/auth/register answers for the outcome of AuthService.register. */
export function seedRegistration(registered: AuthResponseDto | VerificationRequiredDto): SeedAuthResponseDto | SeedVerificationRequiredDto {
  if ('emailVerificationRequired' in registered) {
    return { user: { id: registered.user.id, email: registered.user.email }, email_verification_required: true };
  }
  return SeedAuthResponseDto.from(registered);
}
