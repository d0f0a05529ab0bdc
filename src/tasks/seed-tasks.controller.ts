import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Res, UseInterceptors, VERSION_NEUTRAL, applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Authenticated } from '../common/auth/authenticated.decorator.js';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { CurrentUser } from '../common/auth/current-user.decorator.js';
import { type IfMatch, IfMatchHeader } from '../common/http/entity-tags.js';
import { IdempotencyKeyHeader } from '../common/http/idempotency-key.decorator.js';
import { RequestPath } from '../common/http/request-path.decorator.js';
import { ApiProblemResponses } from '../common/problem/api-problem-responses.decorator.js';
import { CompleteTaskDto } from './dto/complete-task.dto.js';
import type { ListTasksQueryDto } from './dto/list-tasks-query.dto.js';
import { SeedCreateTaskDto } from './dto/seed-create-task.dto.js';
import { SeedMessageDto } from './dto/seed-message.dto.js';
import { SeedTaskDto } from './dto/seed-task.dto.js';
import { SeedUpdateTaskDto } from './dto/seed-update-task.dto.js';
import type { TaskDto } from './dto/task.dto.js';
import { ApiIfMatch, ApiIfNoneMatch, ApiTaskCreated, ApiTaskId, ApiTaskOk } from './task-api.decorators.js';
import { TaskOwnershipInterceptor } from './task-ownership.interceptor.js';
import type { TaskRepresentation } from './task-representation.js';
import { TaskResponseInterceptor } from './task-response.interceptor.js';
import { TasksService } from './tasks.service.js';

/** The list answers the newest tasks only; /api/v1/tasks is the paged list. */
const SEED_LIST_MAX = 1000;
const SEED_LIST: ListTasksQueryDto = { sort: '-createdAt', page: 1, limit: SEED_LIST_MAX };

const DIFFERENCES =
  'Deprecated: the seed dialect, for frontends written against the FastAPI app tasknest grew from (its tasks-api.yaml); use `/api/v1/tasks`. ' +
  'Where the seed documents and tasknest differ on purpose (tasknest’s contract wins): `{user_id}` must be your own id (any other value is ' +
  'the same 404 as a foreign task) and an access token is required (401 otherwise); every error is RFC 9457 `application/problem+json` ' +
  'with a string `detail` (the seed documents three different error bodies; a validation error is 400 with `errors: [{ field, message }]`, ' +
  'not a `detail` array); tasks also carry tasknest’s `priority`, `due_date` and `completed_at`; ETag/If-Match and rate limits apply as on /api/v1.';

const operation = (name: string, summary: string, differs: string) =>
  applyDecorators(
    ApiParam({ name: 'user_id', type: String, format: 'uuid', description: 'Your own user id; any other value answers 404, as for a task that is not yours.' }),
    ApiOperation({ operationId: `seedTasks_${name}`, summary, deprecated: true, description: `${DIFFERENCES}\n\nThis operation: ${differs}` }),
  );

const toSeed = (caller: AuthenticatedUser) => (task: TaskDto) => SeedTaskDto.from(task, caller.userId);

/**
 * `/api/{user_id}/tasks…` in the seed dialect: the same TasksService as /api/v1/tasks, rendered as the
 * seed's snake_case bodies at this edge. TaskOwnershipInterceptor rejects a foreign `{user_id}` first.
 */
@ApiTags('seed-tasks')
@Authenticated()
@UseInterceptors(TaskOwnershipInterceptor, TaskResponseInterceptor)
@Controller({ path: ':user_id/tasks', version: VERSION_NEUTRAL })
export class SeedTasksController {
  constructor(private readonly tasks: TasksService) {}

  @Get()
  @operation('list', 'Your tasks, newest first', `a bare array of at most the newest ${SEED_LIST_MAX} tasks (the seed has no cap), \`X-Total-Count\` gives the full number; query parameters are ignored, as by the seed app.`)
  @ApiOkResponse({
    type: [SeedTaskDto],
    description: `At most the newest ${SEED_LIST_MAX} tasks, newest first.`,
    headers: { 'X-Total-Count': { description: 'How many tasks you have in all (may exceed the array length).', schema: { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER } } },
  })
  @ApiProblemResponses(404)
  async list(@CurrentUser() caller: AuthenticatedUser, @Res({ passthrough: true }) reply: FastifyReply): Promise<SeedTaskDto[]> {
    const page = await this.tasks.list(caller, SEED_LIST);
    reply.header('X-Total-Count', String(page.meta.total));
    return page.data.map(toSeed(caller));
  }

  @Post()
  @operation('create', 'Create a task', '`{ title, description? }` only (any other property is 400); title trimmed, 1–200 characters; description at most 1000. `Location`, `ETag` and `Idempotency-Key` as on /api/v1.')
  @ApiTaskCreated(SeedTaskDto)
  @ApiProblemResponses(400, 404, 409, 413, 415, 422)
  async create(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: SeedCreateTaskDto,
    @RequestPath() path: string,
    @IdempotencyKeyHeader() idempotencyKey: string | null,
  ): Promise<TaskRepresentation<SeedTaskDto>> {
    return (await this.tasks.create(caller, body, path, idempotencyKey)).as(toSeed(caller));
  }

  @Get(':task_id')
  @operation('get', 'One task', 'as in the seed, plus `ETag` and `If-None-Match` (304).')
  @ApiTaskId('task_id')
  @ApiIfNoneMatch()
  @ApiTaskOk(SeedTaskDto)
  @ApiProblemResponses(404)
  async get(@CurrentUser() caller: AuthenticatedUser, @Param('task_id') id: string): Promise<TaskRepresentation<SeedTaskDto>> {
    return (await this.tasks.get(caller, id)).as(toSeed(caller));
  }

  @Put(':task_id')
  @operation('update', 'Change some fields of a task', 'partial, as in the seed: only `title`, `description` and `completed` that are sent change (others are 400; null only for description); description at most 1000. `If-Match` as on /api/v1.')
  @ApiTaskId('task_id')
  @ApiIfMatch()
  @ApiTaskOk(SeedTaskDto)
  @ApiProblemResponses(400, 404, 412, 413, 415)
  async update(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('task_id') id: string,
    @Body() body: SeedUpdateTaskDto,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<TaskRepresentation<SeedTaskDto>> {
    return (await this.tasks.update(caller, id, body, ifMatch)).as(toSeed(caller));
  }

  @Delete(':task_id')
  @operation('delete', 'Delete a task', '200 with `{ "message": "Task deleted successfully" }`, as in the seed (/api/v1 answers 204). `If-Match` as on /api/v1.')
  @ApiTaskId('task_id')
  @ApiIfMatch()
  @ApiOkResponse({ type: SeedMessageDto, description: 'Deleted.' })
  @ApiProblemResponses(404, 412)
  async remove(@CurrentUser() caller: AuthenticatedUser, @Param('task_id') id: string, @IfMatchHeader() ifMatch: IfMatch): Promise<SeedMessageDto> {
    await this.tasks.remove(caller, id, ifMatch);
    return SeedMessageDto.taskDeleted();
  }

  @Patch(':task_id/complete')
  @operation('complete', 'Toggle completion', 'toggles, as in the seed; tasknest also accepts an optional `{ "completed": bool }` that sets it instead (as on /api/v1). `If-Match` as on /api/v1.')
  @ApiTaskId('task_id')
  @ApiIfMatch()
  @ApiTaskOk(SeedTaskDto)
  @ApiBody({ type: CompleteTaskDto, required: false, description: 'Leave the body out (or send `{}`) to toggle.' })
  @ApiProblemResponses(400, 404, 412, 413, 415)
  async complete(
    @CurrentUser() caller: AuthenticatedUser,
    @Param('task_id') id: string,
    @Body() body: CompleteTaskDto,
    @IfMatchHeader() ifMatch: IfMatch,
  ): Promise<TaskRepresentation<SeedTaskDto>> {
    return (await this.tasks.complete(caller, id, body, ifMatch)).as(toSeed(caller));
  }
}
