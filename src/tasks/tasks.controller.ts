import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Put, Query, UseInterceptors } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
import { TaskResponseInterceptor } from './task-response.interceptor.js';
import { TasksService } from './tasks.service.js';

@ApiTags('tasks')
@Authenticated()
@UseInterceptors(TaskResponseInterceptor)
@Controller({ path: 'tasks', version: '1' })
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @ApiOperation({ operationId: 'tasks_list', summary: 'Your tasks: filter, search, sort and page' })
  @ApiOkResponse({ type: TaskPageDto })
  @ApiProblemResponses(400)
  list(@CurrentUser() caller: AuthenticatedUser, @Query() query: ListTasksQueryDto): Promise<TaskPageDto> {
    return this.tasks.list(caller, query);
  }

  @Post()
  @ApiOperation({ operationId: 'tasks_create', summary: 'Create a task' })
  @ApiTaskCreated()
  @ApiProblemResponses(400, 409, 413, 415, 422)
  create(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: CreateTaskDto,
    @RequestPath() path: string,
    @IdempotencyKeyHeader() idempotencyKey: string | null,
  ): Promise<TaskRepresentation> {
    return this.tasks.create(caller, body, path, idempotencyKey);
  }

  @Get(':id')
  @ApiOperation({ operationId: 'tasks_get', summary: 'One task' })
  @ApiTaskId()
  @ApiIfNoneMatch()
  @ApiTaskOk()
  @ApiProblemResponses(404)
  get(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<TaskRepresentation> {
    return this.tasks.get(caller, id);
  }

  @Put(':id')
  @ApiOperation({ operationId: 'tasks_replace', summary: 'Replace a task; fields left out go back to their defaults' })
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
  @ApiOperation({ operationId: 'tasks_update', summary: 'Change some fields of a task' })
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
  @ApiOperation({ operationId: 'tasks_delete', summary: 'Delete a task' })
  @ApiTaskId()
  @ApiIfMatch()
  @ApiNoContentResponse({ description: 'Deleted.' })
  @ApiProblemResponses(404, 412)
  remove(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string, @IfMatchHeader() ifMatch: IfMatch): Promise<void> {
    return this.tasks.remove(caller, id, ifMatch);
  }

  @Patch(':id/complete')
  @ApiOperation({ operationId: 'tasks_complete', summary: 'Toggle completion, or set it with `{ "completed": bool }`' })
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
