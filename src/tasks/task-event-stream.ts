import type { ServerResponse } from 'node:http';

/** A client whose socket accepts nothing for this long is dropped, so nothing piles up for it. */
const STALL_TIMEOUT_MS = 30_000;

export interface StreamEvent {
  id: string;
  event: string;
  data: unknown;
}

/**
 * One open `text/event-stream` response. Writes go straight to the socket; while the socket's
 * buffer is full (`write` said false) the stream is `blocked` and its owner reads nothing more
 * for it, so at most one batch waits in memory. A stream blocked for STALL_TIMEOUT_MS is cut off.
 */
export class TaskEventStream {
  private ended = false;
  private blocked = false;
  private stallTimer: NodeJS.Timeout | null = null;
  private readonly endListeners: (() => void)[] = [];

  constructor(private readonly raw: ServerResponse) {
    raw.on('close', () => this.finish());
    raw.on('drain', () => {
      this.blocked = false;
      if (this.stallTimer) clearTimeout(this.stallTimer);
      this.stallTimer = null;
      this.onDrain?.();
    });
  }

  /** Called when a blocked stream can take more. */
  onDrain: (() => void) | null = null;

  get isOpen(): boolean {
    return !this.ended;
  }

  get isBlocked(): boolean {
    return this.blocked;
  }

  onEnd(listener: () => void): void {
    if (this.ended) listener();
    else this.endListeners.push(listener);
  }

  open(headers: Record<string, string | string[] | number | undefined>, firstId: string): void {
    const head: Record<string, string | string[] | number> = {};
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) head[name] = value;
    this.raw.writeHead(200, {
      ...head,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    // An id with no data dispatches nothing but gives the client a position to resume from.
    this.write(`retry: 2000\nid: ${firstId}\n\n`);
  }

  send(event: StreamEvent): void {
    this.write(`id: ${event.id}\nevent: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`);
  }

  heartbeat(): void {
    // A client that has not read the last heartbeat is on its way to being dropped: no new one.
    if (!this.blocked) this.write(': heartbeat\n\n');
  }

  /** Ends the response normally: the client sees the end of the stream and may reconnect. */
  end(): void {
    if (this.ended) return;
    this.raw.end();
    this.finish();
  }

  private write(chunk: string): void {
    if (this.ended) return;
    if (this.raw.write(chunk)) return;
    this.blocked = true;
    this.stallTimer ??= setTimeout(() => {
      this.raw.destroy();
      this.finish();
    }, STALL_TIMEOUT_MS);
  }

  private finish(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.stallTimer) clearTimeout(this.stallTimer);
    for (const listener of this.endListeners.splice(0)) listener();
  }
}
