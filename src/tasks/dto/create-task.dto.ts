import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { Trim } from '../../common/http/transforms.js';
import { CodePointLength, IsDateTime, MaxCodePoints, OptionalNotNull } from '../../common/http/validators.js';
import { TASK_PRIORITIES, type TaskPriority } from '../task.entity.js';

const LEFT_OUT = (value: string) => `Left out: ${value} on POST and PUT, unchanged on PATCH.`;

/** The body of POST and PUT: on PUT, a field left out is reset to its default. */
export class CreateTaskDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Water the plants', description: 'Trimmed; 1–200 characters after trimming.' })
  @Trim()
  @IsString()
  @CodePointLength(1, 200)
  title: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2000, example: 'The ones on the balcony too.', description: LEFT_OUT('null') })
  @IsOptional()
  @IsString()
  @MaxCodePoints(2000)
  description?: string | null;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES, enumName: 'TaskPriority', description: LEFT_OUT('`medium`') })
  @OptionalNotNull()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    example: '2026-11-28T10:00:00.000Z',
    description: `RFC 3339 date-time with any offset; stored and returned in UTC. ${LEFT_OUT('null')}`,
  })
  @IsOptional()
  @IsDateTime()
  dueDate?: string | null;

  @ApiPropertyOptional({ description: `true sets completedAt (if it was open); false clears it. ${LEFT_OUT('false')}` })
  @OptionalNotNull()
  @IsBoolean()
  completed?: boolean;
}
