import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Put, Query, UseInterceptors, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../common/auth/authenticated.decorator.js';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { CurrentUser } from '../common/auth/current-user.decorator.js';
import { type IfMatch, IfMatchHeader } from '../common/http/entity-tags.js';
import { IdempotencyKeyHeader } from '../common/http/idempotency-key.decorator.js';
import { RequestPath } from '../common/http/request-path.decorator.js';
import { ApiProblemResponses } from '../common/problem/api-problem-responses.decorator.js';
import { CompleteTaskDto } from './dto/complete-task.dto.js';
import { CreateTaskDto } from './dto/create-task.dto.js';
import { ListTasksQueryDto } from './dto/list-tasks-query.dto.js';
import { TaskPageDto } from './dto/task-page.dto.js';
import { UpdateTaskDto } from './dto/update-task.dto.js';
import { ApiIfMatch, ApiIfNoneMatch, ApiTaskCreated, ApiTaskId, ApiTaskOk } from './task-api.decorators.js';
import type { TaskRepresentation } from './task-representation.js';
import { TaskOwnershipInterceptor } from './task-ownership.interceptor.js';
import { TaskResponseInterceptor } from './task-response.interceptor.js';
import { TasksService } from './tasks.service.js';

const SEE_V1 =
  'Kept for the todo frontends this API grew from; use the same operation under `/api/v1/tasks`, which answers with the same bodies and rules. ' +
  '`{userId}` must be your own id, otherwise 404.';

/** `/api/{userId}/tasks…`: the seven task operations of /api/v1/tasks, for the seed frontends. */
@ApiTags('seed-tasks')
@ApiParam({ name: 'userId', type: String, format: 'uuid', description: 'Your own user id; any other value answers 404, as for a task that is not yours.' })
@Authenticated()
@UseInterceptors(TaskOwnershipInterceptor, TaskResponseInterceptor)
@Controller({ path: ':userId/tasks', version: VERSION_NEUTRAL })
export class SeedTasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({ operationId: 'seedTasks_list', summary: 'Your tasks: filter, search, sort and page', deprecated: true, description: SEE_V1 })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiProblemResponses(400, 404)
  list(@CurrentUser() caller: AuthenticatedUser, @Query() query: ListTasksQueryDto): Promise<TaskPageDto> {
    return this.tasks.list(caller, query);
  }

  @Post()
  @ApiOperation({ operationId: 'seedTasks_create', summary: 'Create a task', deprecated: true, description: SEE_V1 })
  @ApiTaskCreated()
  @ApiProblemResponses(400, 404, 409, 413, 415, 422)
  create(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateTaskDto,
    @RequestPath() path: string,
    @IdempotencyKeyHeader() idempotencyKey: string | null,
  ): Promise<TaskRepresentation> {
    return this.tasks.create(caller, body, path, idempotencyKey);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'seedTasks_get', summary: 'One task', deprecated: true, description: SEE_V1 })
  @ApiTaskId()
  @ApiIfNoneMatch()
  @ApiTaskOk()
  @ApiProblemResponses(404)
  get(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<TaskRepresentation> {
    return this.tasks.get(caller, id);
  }

  @Put(':id')
  @ApiOperation({ operationId: 'seedTasks_replace', summary: 'Replace a task; fields left out go back to their defaults', deprecated: true, description: SEE_V1 })
  @ApiTaskId()
  @ApiIfMatch()
  @ApiTaskOk()
  @ApiProblemResponses(400, 404, 412, 413, 415)
  replace(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() body: CreateTaskDto,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<TaskRepresentation> {
    return this.tasks.replace(caller, id, body, ifMatch);
  }

  @Patch(':id')
  @ApiOperation({ operationId: 'seedTasks_update', summary: 'Change some fields of a task', deprecated: true, description: SEE_V1 })
  @ApiTaskId()
  @ApiIfMatch()
  @ApiTaskOk()
  @ApiProblemResponses(400, 404, 412, 413, 415)
  update(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() body: UpdateTaskDto,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<TaskRepresentation> {
    return this.tasks.update(caller, id, body, ifMatch);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ operationId: 'seedTasks_delete', summary: 'Delete a task', deprecated: true, description: SEE_V1 })
  @ApiTaskId()
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblemResponses(404, 412)
  remove(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string, @IfMatchHeader() ifMatch: IfMatch): Promise<void> {
    return this.tasks.remove(caller, id, ifMatch);
  }

  @Patch(':id/complete')
  @ApiOperation({ operationId: 'seedTasks_complete', summary: 'Toggle completion, or set it with `{ "completed": bool }`', deprecated: true, description: SEE_V1 })
  @ApiTaskId()
  @ApiIfMatch()
  @ApiTaskOk()
  @ApiProblemResponses(400, 404, 412, 413, 415)
  complete(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('id') id: string,
    @Body() body: CompleteTaskDto,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<TaskRepresentation> {
    return this.tasks.complete(caller, id, body, ifMatch);
  }
}
