import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Task } from '../task.entity.js';
import { TaskDto } from './task.dto.js';

/** Page mode: `page`, `limit`, `total`, `totalPages`, `nextCursor`. Cursor mode: `limit`, `nextCursor`, and `total` only with `withTotal=true`. */
export class TaskPageMetaDto {
  @ApiPropertyOptional({ minimum: 1, example: 1, description: 'Page mode only.' })
  page?: number;

  @ApiProperty({ minimum: 1, maximum: 100, example: 20 })
  limit: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Matching tasks on all pages. In cursor mode only with `withTotal=true`.', example: 42 })
  total?: number;

  @ApiPropertyOptional({ minimum: 0, description: 'Page mode only: ceil(total / limit); 0 when nothing matches.', example: 3 })
  totalPages?: number;

  @ApiProperty({ type: String, nullable: true, description: 'Opaque: pass as `cursor` (with the same sort and filters) for the tasks after this page; null at the end.' })
  nextCursor: string | null;
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] })
  data: TaskDto[];

  @ApiProperty({ type: TaskPageMetaDto })
  meta: TaskPageMetaDto;

  static ofPage(tasks: Task[], total: number, page: number, limit: number, nextCursor: string | null): TaskPageDto {
    return TaskPageDto.of(tasks, { page, limit, total, totalPages: Math.ceil(total / limit), nextCursor });
  }

  static ofCursor(tasks: Task[], limit: number, total: number | null, nextCursor: string | null): TaskPageDto {
    return TaskPageDto.of(tasks, total === null ? { limit, nextCursor } : { limit, nextCursor, total });
  }

  private static of(tasks: Task[], meta: TaskPageMetaDto): TaskPageDto {
    return Object.assign(new TaskPageDto(), { data: tasks.map((task) => TaskDto.from(task)), meta });
  }
}
