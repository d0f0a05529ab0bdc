import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MaxCodePoints, NotRepeated } from '../../common/http/validators.js';
import { TASK_PRIORITIES, type TaskPriority } from '../task.entity.js';
import { TASK_SORTS, type TaskSort } from '../task.repository.js';

/** Query values arrive as strings: digits become numbers, anything else is left for the validators to reject. */
const toInteger = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value));
const toBoolean = () => Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value));

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 100;

/** GET /tasks: any other parameter, a repeated one or a value out of range is a 400. NotRepeated comes last so its message is listed first. */
export class ListTasksQueryDto {
  @ApiPropertyOptional({ type: Boolean, description: 'Only completed (`true`) or only open (`false`) tasks.' })
  @toBoolean()
  @IsOptional()
  @IsBoolean({ message: 'completed must be true or false' })
  @NotRepeated()
  completed?: boolean;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES, enumName: 'TaskPriority' })
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  @NotRepeated()
  priority?: TaskPriority;

  @ApiPropertyOptional({ maxLength: 200, description: 'Case-insensitive substring of the title or the description; `%` and `_` match themselves.' })
  @IsOptional()
  @IsString()
  @MaxCodePoints(200)
  @NotRepeated()
  q?: string;

  @ApiPropertyOptional({
    enum: TASK_SORTS,
    default: '-createdAt',
    description: '`-` for descending. Ties are broken by id. `priority` ranks low < medium < high; `title` ignores case; tasks without a dueDate come last both ways.',
  })
  @IsIn(TASK_SORTS)
  @NotRepeated()
  sort: TaskSort = '-createdAt';

  @ApiPropertyOptional({
    type: 'integer',
    format: 'int64',
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    default: 1,
    description: 'A page past the end is empty. Not together with `cursor`.',
  })
  @toInteger()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  @NotRepeated()
  page?: number;

  @ApiPropertyOptional({
    maxLength: 2048,
    description:
      'Opaque `meta.nextCursor` of the previous answer: the next `limit` tasks after the last one it showed, by keyset. Repeat the same `sort` and filters; not together with `page`.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  @NotRepeated()
  cursor?: string;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'With `cursor`: also count the matching tasks (`meta.total`). Page mode always counts.' })
  @toBoolean()
  @IsOptional()
  @IsBoolean({ message: 'withTotal must be true or false' })
  @NotRepeated()
  withTotal?: boolean;

  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE })
  @toInteger()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  @NotRepeated()
  limit: number = DEFAULT_PAGE_SIZE;
}
