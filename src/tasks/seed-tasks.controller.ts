import { Controller, UseInterceptors, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator.js';
import { TaskOwnershipInterceptor } from './task-ownership.interceptor.js';
import { taskRoutes } from './task-routes.js';
import { TaskResponseInterceptor } from './task-response.interceptor.js';

const SEE_V1 =
  'Kept for the todo frontends this API grew from; use the same operation under `/api/v1/tasks`, which answers with the same bodies and rules. ' +
  '`{userId}` must be your own id, otherwise 404.';

/** `/api/{userId}/tasks…`: the seven task operations of /api/v1/tasks, for the seed frontends. */
@ApiTags('seed-tasks')
@Authenticated()
@UseInterceptors(TaskOwnershipInterceptor, TaskResponseInterceptor)
@Controller({ path: ':userId/tasks', version: VERSION_NEUTRAL })
export class SeedTasksController extends taskRoutes({ operationIdPrefix: 'seedTasks', deprecated: true, description: SEE_V1, userInPath: true }) {}
