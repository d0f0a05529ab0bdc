import { ApiProperty, ApiSchema } from '@nestjs/swagger';

/** DELETE /api/{user_id}/tasks/{task_id}: the seed answers 200 with a message instead of 204. */
@ApiSchema({ name: 'SeedMessage' })
export class SeedMessageDto {
  @ApiProperty({ example: 'Task deleted successfully' })
  message: string;

  static taskDeleted(): SeedMessageDto {
    return { message: 'Task deleted successfully' };
  }
}
