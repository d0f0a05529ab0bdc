import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { NotRepeated } from '../../common/http/validators.js';

const toInteger = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value));

const DEFAULT_BATCH = 100;
const MAX_BATCH = 500;

/** GET /tasks/changes. A `since` that is not a token of the caller's is rejected by the service (400). */
export class ListTaskChangesQueryDto {
  @ApiPropertyOptional({
    maxLength: 100,
    description: '`nextSince` of your previous call. Leave it out for the whole current state (upserts only). Expired (a delete after it was purged) → 410.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NotRepeated()
  since?: string;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: MAX_BATCH, default: DEFAULT_BATCH })
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_BATCH)
  @NotRepeated()
  limit: number = DEFAULT_BATCH;
}
