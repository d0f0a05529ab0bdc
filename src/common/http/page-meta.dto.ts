import { ApiProperty } from '@nestjs/swagger';

export class PageMetaDto {
  @ApiProperty({ minimum: 1, example: 1 })
  page: number;

  @ApiProperty({ minimum: 1, maximum: 100, example: 20 })
  limit: number;

  @ApiProperty({ minimum: 0, description: 'Matching items on all pages.', example: 42 })
  total: number;

  @ApiProperty({ minimum: 0, description: 'ceil(total / limit); 0 when nothing matches.', example: 3 })
  totalPages: number;

  static of(page: number, limit: number, total: number): PageMetaDto {
    return { page, limit, total, totalPages: Math.ceil(total / limit) };
  }
}
