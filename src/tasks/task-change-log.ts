import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { poolQuery } from '../database/pool-query.js';

/** The NOTIFY channel that tells every instance "these users' tasks changed"; the payload is their ids, comma-separated. */
export const TASK_CHANGES_CHANNEL = 'task_changes';

/**
 * Takes the next change number of `ownerId`: the first statement of every task write's
 * transaction. The upsert locks the user's counter row until commit, so a second write of the same
 * user waits here until the first has committed: one user's changes commit in `seq` order, and a
 * reader that sees `seq` n also sees every change before it. (Other instances are told after the
 * commit, by TaskChangeNotifier: a NOTIFY inside the transaction would serialise every commit.)
 */
export async function takeChangeSeq(manager: EntityManager, ownerId: string): Promise<number> {
  const [{ seq }] = await manager.query<{ seq: string }[]>(
    `INSERT INTO task_change_counters (owner_id, last_seq) VALUES ($1, 1)
     ON CONFLICT (owner_id) DO UPDATE SET last_seq = task_change_counters.last_seq + 1
     RETURNING last_seq AS seq`,
    [ownerId],
  );
  return Number(seq);
}

/** The change counters and tombstones apart from the writes themselves: purging, and what the stream poller reads. */
@Injectable()
export class TaskChangeLog {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Deletes tombstones older than `ttlSeconds` and, in the same statement, raises each owner's
   * purged_seq past them: a reader's snapshot sees both or neither, so a sync token that may have
   * missed a purged delete is always told (410).
   */
  async purgeTombstones(ttlSeconds: number): Promise<number> {
    const [{ purged }] = await poolQuery<{ purged: number }>(
      this.dataSource,
      `WITH purged AS (
         DELETE FROM task_tombstones WHERE deleted_at < now() - make_interval(secs => $1) RETURNING owner_id, seq
       ), newest AS (
         SELECT owner_id, max(seq) AS seq, count(*) AS n FROM purged GROUP BY owner_id
       ), raised AS (
         UPDATE task_change_counters AS c SET purged_seq = GREATEST(c.purged_seq, newest.seq)
           FROM newest WHERE c.owner_id = newest.owner_id RETURNING 1
       )
       SELECT coalesce(sum(n), 0)::int AS purged FROM newest`,
      [ttlSeconds],
    );
    return purged;
  }

  /** The last change number of each of these users (absent: never wrote a task). */
  async lastSeqs(ownerIds: readonly string[]): Promise<Map<string, number>> {
    const rows = await poolQuery<{ owner_id: string; last_seq: string }>(
      this.dataSource,
      'SELECT owner_id, last_seq FROM task_change_counters WHERE owner_id = ANY($1::uuid[])',
      [ownerIds],
    );
    return new Map(rows.map((row) => [row.owner_id, Number(row.last_seq)]));
  }
}
