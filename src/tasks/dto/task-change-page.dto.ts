import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { TaskChange } from '../task.repository.js';
import { TaskDto } from './task.dto.js';

export class TaskUpsertChangeDto {
  @ApiProperty({ enum: ['upsert'] })
  type: 'upsert';

  @ApiProperty({ type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: "The change's number; grows with every change of your tasks." })
  seq: number;

  @ApiProperty({ type: TaskDto, description: 'The task as it is now: create it locally, or replace your copy.' })
  task: TaskDto;
}

export class TaskDeleteChangeDto {
  @ApiProperty({ enum: ['delete'] })
  type: 'delete';

  @ApiProperty({ type: 'integer', format: 'int64', minimum: 1, maximum: Number.MAX_SAFE_INTEGER })
  seq: number;

  @ApiProperty({ format: 'uuid', description: 'The deleted task; you may never have seen it (created and deleted since your last sync).' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  deletedAt: string;
}

export type TaskChangeDto = TaskUpsertChangeDto | TaskDeleteChangeDto;

export function changeDto(change: TaskChange): TaskChangeDto {
  return change.type === 'upsert'
    ? { type: 'upsert', seq: change.seq, task: TaskDto.from(change.task) }
    : { type: 'delete', seq: change.seq, id: change.id, deletedAt: change.deletedAt.toISOString() };
}

@ApiExtraModels(TaskUpsertChangeDto, TaskDeleteChangeDto)
export class TaskChangePageDto {
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [{ $ref: getSchemaPath(TaskUpsertChangeDto) }, { $ref: getSchemaPath(TaskDeleteChangeDto) }],
      discriminator: { propertyName: 'type', mapping: { upsert: getSchemaPath(TaskUpsertChangeDto), delete: getSchemaPath(TaskDeleteChangeDto) } },
    },
    description: 'In the order the changes happened (`seq` ascending); each task at most once, in its latest state.',
  })
  changes: TaskChangeDto[];

  @ApiProperty({ description: 'Opaque; pass it as `since` next time (it is yours alone). Keep it once you have applied `changes`.', example: 'v1.2s.hx3Q0a9m3kT4oNf6r1bS8w' })
  nextSince: string;

  @ApiProperty({ description: 'More changes are waiting: ask again right away with `nextSince`.' })
  hasMore: boolean;
}
