import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { poolQuery } from '../database/pool-query.js';
import { TASK_CHANGES_CHANNEL, TaskChangeLog } from './task-change-log.js';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;
/** A listening connection that answers no ping within this long is replaced. */
const PING_INTERVAL_MS = 10_000;
/** How often the counters of users with open streams are compared: the embedded database's only news of other instances. */
const POLL_INTERVAL_MS = 250;
/** With LISTEN, polling is only a safety net: a wake-up lost with an instance that died between commit and NOTIFY. */
const SAFETY_POLL_INTERVAL_MS = 15_000;
/** A NOTIFY payload is limited to 8000 bytes: at most this many user ids in one. */
const IDS_PER_NOTIFY = 200;

type Wake = () => void;

/**
 * Tells the open event streams of this instance that their user's tasks changed, whichever
 * instance made the change. A wake-up carries no data: a woken stream reads the changes feed from
 * its own position, so a lost, doubled or late wake-up never loses or repeats a change.
 *
 * On PostgreSQL: LISTEN on a dedicated connection, which reconnects by itself after an outage and
 * then wakes every stream to catch up. After a write commits, its user's id is NOTIFYed, batched
 * with the other users written meanwhile: one NOTIFY per batch rather than one inside every write's
 * transaction, where PostgreSQL's notification queue lock would serialise all commits. On PGlite,
 * the embedded database is one session behind the socket server: a notification goes back to the
 * connection that committed, never to a listener, so streams are woken in-process after each write
 * and by polling the users' change counters (for other instances sharing the embedded database).
 */
@Injectable()
export class TaskChangeNotifier implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TaskChangeNotifier.name);
  private readonly subscribers = new Map<string, Set<Wake>>();
  private mode: 'listen' | 'poll' | 'stopped' = 'stopped';
  private listener: pg.Client | null = null;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private timer: NodeJS.Timeout | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private readonly polledSeqs = new Map<string, number>();
  private polling = false;
  private readonly unannounced = new Set<string>();
  private announcing = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly changeLog: TaskChangeLog,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const [{ version }] = await poolQuery<{ version: string }>(this.dataSource, 'SELECT version()', []);
    const embedded = version.includes('PGlite');
    this.mode = embedded ? 'poll' : 'listen';
    this.pollTimer = setInterval(() => void this.poll(), embedded ? POLL_INTERVAL_MS : SAFETY_POLL_INTERVAL_MS);
    if (!embedded) await this.connect(false);
  }

  async onModuleDestroy(): Promise<void> {
    this.mode = 'stopped';
    if (this.timer) clearInterval(this.timer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.timer = null;
    this.pollTimer = null;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  /** `wake` is called whenever `ownerId`'s tasks may have changed; the returned function unsubscribes. */
  subscribe(ownerId: string, wake: Wake): () => void {
    let set = this.subscribers.get(ownerId);
    if (!set) this.subscribers.set(ownerId, (set = new Set()));
    set.add(wake);
    return () => {
      set.delete(wake);
      if (set.size === 0 && this.subscribers.get(ownerId) === set) {
        this.subscribers.delete(ownerId);
        this.polledSeqs.delete(ownerId);
      }
    };
  }

  /** Called after a write of `ownerId` committed on this instance: its streams here at once, the other instances' by NOTIFY. */
  changed(ownerId: string): void {
    this.wake(ownerId);
    if (this.mode !== 'listen') return;
    this.unannounced.add(ownerId);
    if (!this.announcing) void this.announce();
  }

  private wake(ownerId: string): void {
    for (const wake of this.subscribers.get(ownerId) ?? []) wake();
  }

  private wakeEveryone(): void {
    for (const ownerId of this.subscribers.keys()) this.wake(ownerId);
  }

  /** NOTIFYs the users written since the last NOTIFY, one statement per batch, until none is left. */
  private async announce(): Promise<void> {
    this.announcing = true;
    try {
      while (this.unannounced.size > 0 && this.mode === 'listen') {
        const ids = [...this.unannounced].slice(0, IDS_PER_NOTIFY);
        for (const id of ids) this.unannounced.delete(id);
        await poolQuery(this.dataSource, 'SELECT pg_notify($1, $2)', [TASK_CHANGES_CHANNEL, ids.join(',')]);
      }
    } catch (error) {
      // The changes are committed and in the feed; other instances find them by their safety poll.
      this.unannounced.clear();
      this.logger.warn({ err: error }, 'could not announce task changes to other instances');
    } finally {
      this.announcing = false;
    }
  }

  private async connect(reconnecting: boolean): Promise<void> {
    const options = this.dataSource.options;
    const client = new pg.Client({ connectionString: options.type === 'postgres' ? options.url : undefined, connectionTimeoutMillis: 3000, query_timeout: 5000, keepAlive: true });
    // Errors end the connection; 'end' below takes care of replacing it.
    client.on('error', () => undefined);
    client.on('notification', (message) => {
      if (message.channel !== TASK_CHANGES_CHANNEL || !message.payload) return;
      for (const ownerId of message.payload.split(',')) this.wake(ownerId);
    });
    client.on('end', () => {
      if (this.listener !== client) return;
      this.listener = null;
      this.scheduleReconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${TASK_CHANGES_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.logger.warn({ err: error }, 'could not listen for task changes; retrying');
      this.scheduleReconnect();
      return;
    }
    if (this.mode !== 'listen') {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
    this.reconnectDelayMs = RECONNECT_MIN_MS;
    this.timer = setInterval(() => void this.ping(client), PING_INTERVAL_MS);
    if (reconnecting) {
      this.logger.log('listening for task changes again');
      // Changes committed while nobody listened: every stream reads from its own position.
      this.wakeEveryone();
    }
  }

  private async ping(client: pg.Client): Promise<void> {
    try {
      await client.query('SELECT 1');
    } catch {
      await client.end().catch(() => undefined);
    }
  }

  private scheduleReconnect(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.mode !== 'listen') return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect(true);
    }, delay);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.subscribers.size === 0) return;
    this.polling = true;
    try {
      const seqs = await this.changeLog.lastSeqs([...this.subscribers.keys()]);
      for (const [ownerId, seq] of seqs) {
        if (this.polledSeqs.get(ownerId) === seq) continue;
        this.polledSeqs.set(ownerId, seq);
        this.wake(ownerId);
      }
    } catch {
      // The database may be away for a moment; the next poll catches up.
    } finally {
      this.polling = false;
    }
  }
}
