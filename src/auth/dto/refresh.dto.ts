import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from the last AuthResponse.' })
  @IsString()
  @MaxLength(4096)
  refreshToken: string;
}
