import type { ServerResponse } from 'node:http';
import { HttpStatus, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { SessionsService } from '../auth/sessions.service.js';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { ApiProblem } from '../common/problem/api-problem.js';
import { changeDto } from './dto/task-change-page.dto.js';
import { TaskChangeLog } from './task-change-log.js';
import { TaskChangeNotifier } from './task-change-notifier.js';
import { nextPosition, TaskChangesService } from './task-changes.service.js';
import { TaskEventStream } from './task-event-stream.js';
import { type ChangesRead, TaskRepository } from './task.repository.js';

const MAX_STREAMS_PER_USER = 10;
const HEARTBEAT_INTERVAL_MS = 25_000;
/** How often the sessions behind open streams are checked: a revoked one ends its streams within this. */
const SESSION_CHECK_INTERVAL_MS = 2_000;
const BATCH = 100;
/** Feed reads for streams at once, so a burst of wake-ups leaves the pool to the API's requests. */
const MAX_CONCURRENT_READS = 4;
const READ_RETRY_MS = 2_000;

const tooManyStreams = () =>
  new ApiProblem({
    status: HttpStatus.TOO_MANY_REQUESTS,
    slug: 'too-many-streams',
    title: 'Too many requests',
    detail: `At most ${MAX_STREAMS_PER_USER} event streams per user are open at once; close one first.`,
    headers: { 'Retry-After': '5' },
  });

export interface OpenStreamRequest {
  /** Last-Event-ID, else the `since` query value, else null (changes from now on). */
  from: { token: string; field: string } | null;
  /** When the access token expires (seconds since the epoch): the stream ends then. */
  expiresAt: number;
  /** Called once the stream is accepted: the raw response, and the headers already set for it (request id, security headers, CORS). */
  takeOver(): { raw: ServerResponse; headers: Record<string, string | string[] | number | undefined> };
}

interface OpenStream {
  caller: AuthenticatedUser;
  stream: TaskEventStream;
}

interface SharedRead {
  /** Tick at which the read began: only streams woken before that may share it. */
  startedAt: number;
  result: Promise<ChangesRead>;
}

/**
 * The caller's task changes as server-sent events. A stream keeps its own position and, whenever
 * it is woken (TaskChangeNotifier), reads the changes feed from there: events are the feed's
 * changes, in `seq` order, each with its sync token as `id`, so a client resuming from its last
 * event id loses nothing and the stream never has to hold more than one batch.
 */
@Injectable()
export class TaskEventsService implements OnModuleDestroy {
  private readonly logger = new Logger(TaskEventsService.name);
  private readonly streams = new Map<string, Set<OpenStream>>();
  /** Slots taken by streams still opening, so 11 concurrent requests cannot all pass the cap. */
  private readonly opening = new Map<string, number>();
  /** In-flight feed reads by user and position: the streams of one user usually stand at the same place. */
  private readonly reads = new Map<string, SharedRead>();
  private tick = 0;
  private activeReads = 0;
  private readonly waitingReads: (() => void)[] = [];

  constructor(
    private readonly changes: TaskChangesService,
    private readonly tasks: TaskRepository,
    private readonly changeLog: TaskChangeLog,
    private readonly notifier: TaskChangeNotifier,
    private readonly sessions: SessionsService,
  ) {}

  /** Throws (before anything is sent) 400 for a bad token, 410 for an expired one, 429 past the cap. */
  async open(caller: AuthenticatedUser, request: OpenStreamRequest): Promise<void> {
    const userId = caller.userId;
    const open = (this.streams.get(userId)?.size ?? 0) + (this.opening.get(userId) ?? 0);
    if (open >= MAX_STREAMS_PER_USER) throw tooManyStreams();
    this.opening.set(userId, (this.opening.get(userId) ?? 0) + 1);
    let started: { seq: number; first: ChangesRead | null };
    try {
      started = request.from
        ? await this.changes.position(caller, request.from.token, request.from.field, BATCH)
        : { seq: (await this.changeLog.lastSeqs([userId])).get(userId) ?? 0, first: null };
    } finally {
      const left = (this.opening.get(userId) ?? 1) - 1;
      if (left > 0) this.opening.set(userId, left);
      else this.opening.delete(userId);
    }
    this.start(caller, request, started.seq, started.first);
  }

  private start(caller: AuthenticatedUser, request: OpenStreamRequest, from: number, first: ChangesRead | null): void {
    const { raw, headers } = request.takeOver();
    const stream = new TaskEventStream(raw);
    const entry: OpenStream = { caller, stream };
    let users = this.streams.get(caller.userId);
    if (!users) this.streams.set(caller.userId, (users = new Set()));
    users.add(entry);

    let position = from;
    let reading = false;
    let again = false;
    let wokenAt = this.tick;
    const send = (read: ChangesRead): void => {
      for (const change of read.changes) {
        stream.send({ id: this.changes.token(caller.userId, change.seq), event: change.type === 'upsert' ? 'task.upserted' : 'task.deleted', data: changeDto(change) });
      }
      position = nextPosition(read, position);
      if (read.hasMore) again = true;
    };
    // Reads from `position` until nothing is left; a wake-up during a read makes it read once more.
    const pump = async (): Promise<void> => {
      if (reading) {
        again = true;
        return;
      }
      reading = true;
      try {
        do {
          again = false;
          if (!stream.isOpen || stream.isBlocked) break;
          send(await this.read(caller.userId, position, wokenAt));
        } while (again);
      } catch (error) {
        // The database is away for a moment: try again; the stream stays open meanwhile.
        this.logger.warn({ err: error }, 'could not read task changes for an event stream');
        setTimeout(wake, READ_RETRY_MS).unref();
      } finally {
        reading = false;
      }
    };
    const wake = (): void => {
      wokenAt = ++this.tick;
      void pump();
    };
    const unsubscribe = this.notifier.subscribe(caller.userId, wake);
    stream.onDrain = wake;
    const expiry = setTimeout(() => stream.end(), Math.max(0, request.expiresAt * 1000 - Date.now()));
    stream.onEnd(() => {
      clearTimeout(expiry);
      unsubscribe();
      users.delete(entry);
      if (users.size === 0 && this.streams.get(caller.userId) === users) this.streams.delete(caller.userId);
    });

    stream.open(headers, this.changes.token(caller.userId, position));
    if (first) send(first);
    // Changes committed between the first read and the subscription are picked up here.
    wake();
  }

  /**
   * The changes after `position`, shared with the other streams of the user at that position, but
   * only through a read that began after `wokenAt` (an older one may predate the change that woke us).
   */
  private read(userId: string, position: number, wokenAt: number): Promise<ChangesRead> {
    const key = `${userId}:${position}`;
    const shared = this.reads.get(key);
    if (shared && shared.startedAt > wokenAt) return shared.result;
    const read: SharedRead = { startedAt: ++this.tick, result: this.limited(() => this.tasks.changesSince(userId, position, BATCH, true)) };
    this.reads.set(key, read);
    void read.result.finally(() => {
      if (this.reads.get(key) === read) this.reads.delete(key);
    }).catch(() => undefined);
    return read.result;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    while (this.activeReads >= MAX_CONCURRENT_READS) await new Promise<void>((resolve) => this.waitingReads.push(resolve));
    this.activeReads += 1;
    try {
      return await work();
    } finally {
      this.activeReads -= 1;
      this.waitingReads.shift()?.();
    }
  }

  @Interval(HEARTBEAT_INTERVAL_MS)
  heartbeat(): void {
    for (const users of this.streams.values()) for (const { stream } of users) stream.heartbeat();
  }

  /** Ends the streams whose session was revoked or has expired (logout, logout-all, password change…). */
  @Interval(SESSION_CHECK_INTERVAL_MS)
  async endRevokedSessions(): Promise<void> {
    const sessionIds = new Set<string>();
    for (const users of this.streams.values()) for (const { caller } of users) sessionIds.add(caller.sessionId);
    if (sessionIds.size === 0) return;
    let alive: Set<string>;
    try {
      alive = await this.sessions.activeAmong([...sessionIds]);
    } catch {
      return; // The database is away; the streams' own reads notice too.
    }
    for (const users of this.streams.values()) {
      for (const { caller, stream } of [...users]) if (!alive.has(caller.sessionId)) stream.end();
    }
  }

  onModuleDestroy(): void {
    // Open streams would hold the HTTP server's close open; clients reconnect elsewhere.
    for (const users of [...this.streams.values()]) for (const { stream } of [...users]) stream.end();
  }
}
