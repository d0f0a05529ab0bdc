import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class DeleteAccountDto {
  @ApiProperty({ maxLength: 1024, description: 'The current password, to confirm.' })
  @IsString()
  @MaxLength(1024)
  password: string;
}
