import { Controller, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator.js';
import { taskRoutes } from './task-routes.js';
import { TaskResponseInterceptor } from './task-response.interceptor.js';

/** `/api/v1/tasks…`: the caller's own tasks. */
@ApiTags('tasks')
@Authenticated()
@UseInterceptors(TaskResponseInterceptor)
@Controller({ path: 'tasks', version: '1' })
export class TasksController extends taskRoutes({ operationIdPrefix: 'tasks' }) {}
