import { ApiProperty } from '@nestjs/swagger';
import { PageMetaDto } from '../../common/http/page-meta.dto.js';
import type { Task } from '../task.entity.js';
import { TaskDto } from './task.dto.js';

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] })
  data: TaskDto[];

  @ApiProperty({ type: PageMetaDto })
  meta: PageMetaDto;

  static from(tasks: Task[], total: number, page: number, limit: number): TaskPageDto {
    return { data: tasks.map((task) => TaskDto.from(task)), meta: PageMetaDto.of(page, limit, total) };
  }
}
