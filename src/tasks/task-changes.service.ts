import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { ApiProblem } from '../common/problem/api-problem.js';
import { AppConfig } from '../config/app-config.js';
import { ChangeTokens } from './change-tokens.js';
import { changeDto, type TaskChangePageDto } from './dto/task-change-page.dto.js';
import { TaskChangeLog } from './task-change-log.js';
import { type ChangesRead, TaskRepository } from './task.repository.js';

const PURGE_INTERVAL_MS = 10 * 60 * 1000;

export const syncTokenExpired = () =>
  new ApiProblem({
    status: HttpStatus.GONE,
    slug: 'sync-token-expired',
    title: 'Gone',
    detail: 'Deleted tasks after this sync token are no longer kept. Sync again from the start: ask for the changes without since.',
  });

const invalidSyncToken = (field: string) =>
  ApiProblem.validation([{ field, message: `${field} must be a sync token this API gave you` }], 'The sync token is not valid.');

/** A position in one user's change sequence, checked to be the caller's and not yet expired. */
export interface SyncPosition {
  seq: number;
  /** The first read from that position, already made (the expiry check needs its snapshot). */
  first: ChangesRead;
}

/**
 * Where the next read starts: after the last change returned, or, when nothing is left after this
 * batch, at the user's newest change number (everything up to it was read in this snapshot).
 */
export function nextPosition(read: ChangesRead, since: number): number {
  if (read.hasMore) return read.changes[read.changes.length - 1].seq;
  return Math.max(read.lastSeq, since);
}

/**
 * The changes feed: the caller's task changes in `seq` order, from a sync token on (or the whole
 * current state without one), with tombstones for deletes kept TASK_TOMBSTONE_TTL.
 */
@Injectable()
export class TaskChangesService {
  private readonly logger = new Logger(TaskChangesService.name);

  constructor(
    private readonly tasks: TaskRepository,
    private readonly changeLog: TaskChangeLog,
    private readonly tokens: ChangeTokens,
    private readonly config: AppConfig,
  ) {}

  async changes(caller: AuthenticatedUser, since: string | undefined, limit: number): Promise<TaskChangePageDto> {
    const { seq, first } =
      since === undefined ? { seq: 0, first: await this.tasks.changesSince(caller.userId, 0, limit, false) } : await this.position(caller, since, 'since', limit);
    return {
      changes: first.changes.map(changeDto),
      nextSince: this.tokens.encode(caller.userId, nextPosition(first, seq)),
      hasMore: first.hasMore,
    };
  }

  /** Decodes `token` (400 when it is not the caller's) and reads the first batch after it (410 when a delete after it was purged). */
  async position(caller: AuthenticatedUser, token: string, field: string, limit: number): Promise<SyncPosition> {
    const seq = this.tokens.decode(caller.userId, token);
    if (seq === null) throw invalidSyncToken(field);
    const first = await this.tasks.changesSince(caller.userId, seq, limit, true);
    if (seq < first.purgedSeq) throw syncTokenExpired();
    return { seq, first };
  }

  token(ownerId: string, seq: number): string {
    return this.tokens.encode(ownerId, seq);
  }

  @Interval(PURGE_INTERVAL_MS)
  async purgeTombstones(): Promise<number> {
    try {
      return await this.changeLog.purgeTombstones(this.config.taskTombstoneTtlSeconds);
    } catch (error) {
      // The database may be down for a while; the next run catches up.
      this.logger.warn({ err: error }, 'could not purge task tombstones');
      return 0;
    }
  }

}
