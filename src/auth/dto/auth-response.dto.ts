import { ApiProperty } from '@nestjs/swagger';
import { UserDto } from '../../users/dto/user.dto.js';

// Shortened JWTs: examples for documentation, never valid tokens.
const ACCESS_TOKEN_EXAMPLE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3YzlmMmQ0YS0wYjFlLTRjNWQtOGU2Zi0xYTJiM2M0ZDVlNmYiLCJ0eXAiOiJhY2Nlc3MifQ.c2lnbmF0dXJl';
const REFRESH_TOKEN_EXAMPLE = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3YzlmMmQ0YS0wYjFlLTRjNWQtOGU2Zi0xYTJiM2M0ZDVlNmYiLCJ0eXAiOiJyZWZyZXNoIn0.c2lnbmF0dXJl';

export class AuthResponseDto {
  @ApiProperty({ type: UserDto })
  user: UserDto;

  @ApiProperty({ description: 'A JWT; send it as `Authorization: Bearer <accessToken>`.', example: ACCESS_TOKEN_EXAMPLE })
  accessToken: string;

  @ApiProperty({ description: 'A JWT; send it to POST /api/v1/auth/refresh, which rotates it on every use.', example: REFRESH_TOKEN_EXAMPLE })
  refreshToken: string;

  @ApiProperty({ enum: ['Bearer'], example: 'Bearer' })
  tokenType: 'Bearer';

  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 })
  expiresIn: number;

  @ApiProperty({ description: 'Seconds until the session (and so the refresh token) expires if not refreshed.', example: 604800 })
  refreshExpiresIn: number;
}
