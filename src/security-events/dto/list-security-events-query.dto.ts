import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { NotRepeated } from '../../common/http/validators.js';

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/** GET /users/me/security-events: any other parameter, a repeated one or a value out of range is a 400. */
export class ListSecurityEventsQueryDto {
  @ApiPropertyOptional({ maxLength: 64, description: 'The `meta.nextCursor` of the previous page; omit it for the newest events.' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @NotRepeated()
  cursor?: string;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value))
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  @NotRepeated()
  limit: number = DEFAULT_PAGE_SIZE;
}
