import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({
    description: 'The refresh token from the last AuthResponse.',
    maxLength: 4096,
    example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiI3YzlmMmQ0YS0wYjFlLTRjNWQtOGU2Zi0xYTJiM2M0ZDVlNmYiLCJ0eXAiOiJyZWZyZXNoIn0.c2lnbmF0dXJl',
  })
  @IsString()
  @MaxLength(4096)
  refreshToken: string;
}
