import { ApiProperty } from '@nestjs/swagger';
import { IsString, ValidateIf } from 'class-validator';
import { Trim } from '../../common/http/transforms.js';
import { MaxCodePoints } from '../../common/http/validators.js';

export class UpdateMeDto {
  @ApiProperty({ type: String, nullable: true, maxLength: 100, example: 'Ada Lovelace', description: 'Trimmed; null or empty clears it.' })
  @ValidateIf((_dto, value) => value !== null)
  @Trim()
  @IsString()
  @MaxCodePoints(100)
  name: string | null;
}
