import { Module } from '@nestjs/common';
import { SessionsModule } from '../auth/sessions.module.js';
import { ChangeTokens } from './change-tokens.js';
import { TaskCursors } from './task-cursors.js';
import { IdempotencyKeysService } from './idempotency-keys.service.js';
import { SeedTasksController } from './seed-tasks.controller.js';
import { TaskChangeLog } from './task-change-log.js';
import { TaskChangeNotifier } from './task-change-notifier.js';
import { TaskChangesService } from './task-changes.service.js';
import { TaskEventsController } from './task-events.controller.js';
import { TaskEventsService } from './task-events.service.js';
import { TaskRepository } from './task.repository.js';
import { TasksController } from './tasks.controller.js';
import { TasksService } from './tasks.service.js';

@Module({
  imports: [SessionsModule],
  // TaskEventsController first: its static /tasks/changes and /tasks/events come before /tasks/:id.
  controllers: [TaskEventsController, TasksController, SeedTasksController],
  providers: [TasksService, TaskRepository, IdempotencyKeysService, ChangeTokens, TaskCursors, TaskChangeLog, TaskChangeNotifier, TaskChangesService, TaskEventsService],
})
export class TasksModule {}
