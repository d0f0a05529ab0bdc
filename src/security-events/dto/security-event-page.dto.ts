import { ApiProperty } from '@nestjs/swagger';
import { SecurityEventDto } from './security-event.dto.js';

export class SecurityEventPageMetaDto {
  @ApiProperty({ minimum: 1, maximum: 100, example: 20 })
  limit: number;

  @ApiProperty({ type: String, nullable: true, description: 'Opaque; pass it as `cursor` for the next (older) page. Null on the last page.' })
  nextCursor: string | null;
}

export class SecurityEventPageDto {
  @ApiProperty({ type: [SecurityEventDto], description: 'Newest first.' })
  data: SecurityEventDto[];

  @ApiProperty({ type: SecurityEventPageMetaDto })
  meta: SecurityEventPageMetaDto;
}
