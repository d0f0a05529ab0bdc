import { PartialType } from '@nestjs/swagger';
import { CreateTaskDto } from './create-task.dto.js';

/** PATCH: only the fields sent change. Null is accepted only where the field itself may be null. */
export class UpdateTaskDto extends PartialType(CreateTaskDto, { skipNullProperties: false }) {}
