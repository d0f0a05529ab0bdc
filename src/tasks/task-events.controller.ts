import { Controller, Get, Headers, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { Authenticated } from '../common/auth/authenticated.decorator.js';
import { CurrentUser } from '../common/auth/current-user.decorator.js';
import { ApiProblemResponses } from '../common/problem/api-problem-responses.decorator.js';
import { ListTaskChangesQueryDto } from './dto/list-task-changes-query.dto.js';
import { TaskChangePageDto } from './dto/task-change-page.dto.js';
import { TaskEventsQueryDto } from './dto/task-events-query.dto.js';
import { TaskChangesService } from './task-changes.service.js';
import { type OpenStreamRequest, TaskEventsService } from './task-events.service.js';

const CHANGES_DESCRIPTION =
  'Your task changes in the order they happened, for clients that keep a local copy. Without `since`: the whole current state as upserts. ' +
  'With `since` (the `nextSince` of your previous call): every task created or changed since then, once, in its latest state, and a tombstone for ' +
  'each task deleted since then. `hasMore` → ask again with `nextSince` at once. Tokens are opaque and yours alone (another user’s or an edited ' +
  'one → 400). Tombstones are kept `TASK_TOMBSTONE_TTL` (30 days by default); a `since` from before the oldest kept tombstone → 410 ' +
  '`sync-token-expired`: drop the local copy and sync again without `since`.';

const EVENTS_DESCRIPTION =
  'Server-sent events (`text/event-stream`) of your task changes, live from every instance. Send the access token in `Authorization` ' +
  '(use a fetch-based SSE reader: `EventSource` cannot send headers). Each event is `event: task.upserted` or `event: task.deleted`, ' +
  '`id:` the sync token after that change (usable as `since` of GET /api/v1/tasks/changes) and `data:` the Change as JSON. The stream opens ' +
  'with an `id:` line (no event) for the current position, and sends a `: heartbeat` comment every 25 s. Resume with `Last-Event-ID` (or ' +
  '`since`): nothing is lost. The stream ends within 5 s of its session being revoked (logout…) and when the access token expires: reconnect ' +
  'with a fresh token and your last event id. At most 10 streams per user (429 beyond). A client that stops reading is disconnected.';

const EVENTS_EXAMPLE =
  'retry: 2000\nid: v1.7.Zm9vYmFyYmF6cXV4cXV1eA\n\n' +
  'id: v1.8.b2ZmaWNpYWxseW9wYXF1ZQ\nevent: task.upserted\ndata: {"type":"upsert","seq":8,"task":{"id":"…","title":"Water the plants",…}}\n\n' +
  'id: v1.9.c2lnbmVkdG9rZW5oZXJlMQ\nevent: task.deleted\ndata: {"type":"delete","seq":9,"id":"…","deletedAt":"2026-12-01T10:00:00.000Z"}\n\n';

/** The access token's `exp` claim; the guard has already verified the token, so it is only read here. */
function accessTokenExpiry(authorization: string | undefined): number {
  const payload = authorization?.split(' ')[1]?.split('.')[1] ?? '';
  const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  return typeof claims === 'object' && claims !== null && 'exp' in claims && typeof claims.exp === 'number' ? claims.exp : 0;
}

function streamRequest(request: FastifyRequest, reply: FastifyReply, query: TaskEventsQueryDto, lastEventId: string | undefined): OpenStreamRequest {
  return {
    from: lastEventId ? { token: lastEventId, field: 'Last-Event-ID' } : query.since !== undefined ? { token: query.since, field: 'since' } : null,
    expiresAt: accessTokenExpiry(request.headers.authorization),
    takeOver: () => {
      // From here on the response is written by hand; the headers set so far go out with it.
      reply.hijack();
      return { raw: reply.raw, headers: reply.getHeaders() };
    },
  };
}

/** `/api/v1/tasks/changes` and `/api/v1/tasks/events`: static paths, matched before `/tasks/{id}`. */
@ApiTags('tasks')
@Authenticated()
@Controller({ path: 'tasks', version: '1' })
export class TaskEventsController {
  constructor(
    private readonly changes: TaskChangesService,
    private readonly events: TaskEventsService,
  ) {}

  @Get('changes')
  @ApiOperation({ operationId: 'tasks_changes', summary: 'Your task changes since a sync token (or everything)', description: CHANGES_DESCRIPTION })
  @ApiOkResponse({ type: TaskChangePageDto })
  @ApiProblemResponses(400, 410)
  list(@CurrentUser() caller: AuthenticatedUser, @Query() query: ListTaskChangesQueryDto): Promise<TaskChangePageDto> {
    return this.changes.changes(caller, query.since, query.limit);
  }

  @Get('events')
  @ApiOperation({ operationId: 'tasks_events', summary: 'Live task changes as server-sent events', description: EVENTS_DESCRIPTION })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The `id` of the last event you received: the stream resumes right after it.' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless event stream.', content: { 'text/event-stream': { schema: { type: 'string' }, example: EVENTS_EXAMPLE } } })
  @ApiProblemResponses(400, 410)
  stream(
    @CurrentUser() caller: AuthenticatedUser,
    @Query() query: TaskEventsQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.events.open(caller, streamRequest(request, reply, query, lastEventId));
  }
}
