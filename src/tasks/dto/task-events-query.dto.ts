import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { NotRepeated } from '../../common/http/validators.js';

/** GET /tasks/events. */
export class TaskEventsQueryDto {
  @ApiPropertyOptional({ maxLength: 100, description: 'Where to start: a `nextSince` or an event id. `Last-Event-ID` wins when both are sent. Neither: only changes from now on.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NotRepeated()
  since?: string;
}
