import { ApiPropertyOptional, ApiSchema, PickType } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { MaxCodePoints } from '../../common/http/validators.js';
import { CreateTaskDto } from './create-task.dto.js';

/** The seed's limit on descriptions written through its routes (/api/v1 allows 2000). */
export const SEED_DESCRIPTION_MAX = 1000;

/** POST /api/{user_id}/tasks: the seed's TaskCreate. `title` is validated exactly as on /api/v1. */
@ApiSchema({ name: 'SeedTaskCreate' })
export class SeedCreateTaskDto extends PickType(CreateTaskDto, ['title']) {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: SEED_DESCRIPTION_MAX, example: 'The ones on the balcony too.' })
  @IsOptional()
  @IsString()
  @MaxCodePoints(SEED_DESCRIPTION_MAX)
  description?: string | null;
}
