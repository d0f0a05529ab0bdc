import { Module } from '@nestjs/common';
import { IdempotencyKeysService } from './idempotency-keys.service.js';
import { SeedTasksController } from './seed-tasks.controller.js';
import { TaskRepository } from './task.repository.js';
import { TasksController } from './tasks.controller.js';
import { TasksService } from './tasks.service.js';

@Module({
  controllers: [TasksController, SeedTasksController],
  providers: [TasksService, TaskRepository, IdempotencyKeysService],
})
export class TasksModule {}
