import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import { OptionalNotNull } from '../../common/http/validators.js';

/** PATCH /{id}/complete: without `completed` (no body, or `{}`) the task is toggled. */
export class CompleteTaskDto {
  @ApiPropertyOptional({ description: 'Sets the state; leave it out to toggle.' })
  @OptionalNotNull()
  @IsBoolean()
  completed?: boolean;
}
