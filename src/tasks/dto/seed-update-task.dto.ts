import { ApiSchema, IntersectionType, PartialType, PickType } from '@nestjs/swagger';
import { CreateTaskDto } from './create-task.dto.js';
import { SeedCreateTaskDto } from './seed-create-task.dto.js';

/** PUT /api/{user_id}/tasks/{task_id}: the seed's TaskUpdate. Partial: only the fields sent change; null only where the field may be null. */
@ApiSchema({ name: 'SeedTaskUpdate' })
export class SeedUpdateTaskDto extends PartialType(IntersectionType(SeedCreateTaskDto, PickType(CreateTaskDto, ['completed'])), { skipNullProperties: false }) {}
