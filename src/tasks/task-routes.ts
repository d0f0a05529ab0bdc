import { applyDecorators, Body, Delete, Get, HttpCode, HttpStatus, Injectable, Param, Patch, Post, Put, Query, type Type } from '@nestjs/common';
import { ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
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
import { TasksService } from './tasks.service.js';

/** How a family of task routes in /api/v1's dialect is documented (the seed dialect has its own controller). */
export interface TaskRouteFamily {
  operationIdPrefix: string;
}

/** The seven task operations in /api/v1's dialect: the family's controller extends the class made here. */
export function taskRoutes(family: TaskRouteFamily): Type<object> {
  const operation = (name: string, summary: string) =>
    applyDecorators(ApiOperation({ operationId: `${family.operationIdPrefix}_${name}`, summary }));

  @Injectable()
  class TaskRoutes {
    constructor(readonly tasks: TasksService) {}

    @Get()
    @operation('list', 'Your tasks: filter, search, sort and page')
    @ApiOkResponse({ type: TaskPageDto })
    @ApiProblemResponses(400)
    list(@CurrentUser() caller: AuthenticatedUser, @Query() query: ListTasksQueryDto): Promise<TaskPageDto> {
      return this.tasks.list(caller, query);
    }

    @Post()
    @operation('create', 'Create a task')
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
    @operation('get', 'One task')
    @ApiTaskId()
    @ApiIfNoneMatch()
    @ApiTaskOk()
    @ApiProblemResponses(404)
    get(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string): Promise<TaskRepresentation> {
      return this.tasks.get(caller, id);
    }

    @Put(':id')
    @operation('replace', 'Replace a task; fields left out go back to their defaults')
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
    @operation('update', 'Change some fields of a task')
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
    @operation('delete', 'Delete a task')
    @ApiTaskId()
    @ApiIfMatch()
    @ApiNoContentResponse({ description: 'Deleted.' })
    @ApiProblemResponses(404, 412)
    remove(@CurrentUser() caller: AuthenticatedUser, @Param('id') id: string, @IfMatchHeader() ifMatch: IfMatch): Promise<void> {
      return this.tasks.remove(caller, id, ifMatch);
    }

    @Patch(':id/complete')
    @operation('complete', 'Toggle completion, or set it with `{ "completed": bool }`')
    @ApiTaskId()
    @ApiIfMatch()
    @ApiBody({ type: CompleteTaskDto, required: false, description: 'Leave the body out (or send `{}`) to toggle.' })
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
  return TaskRoutes;
}
