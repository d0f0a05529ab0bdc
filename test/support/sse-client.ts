import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app.js';

export interface SseEvent {
  id: string | null;
  event: string | null;
  data: string;
}

export interface SseStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Every dispatched event so far, in order. */
  events: SseEvent[];
  /** The last `id:` seen, with or without an event (as EventSource keeps it). */
  lastEventId(): string | null;
  /** Every comment line seen so far (heartbeats). */
  comments: string[];
  /** The body as received, for streams that are not event streams (errors). */
  body(): string;
  /** Resolves with the first event (from the start) matching `predicate`; rejects after `timeoutMs`. */
  waitFor(predicate: (event: SseEvent) => boolean, timeoutMs?: number): Promise<SseEvent>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** A fetch-style SSE reader over node:http: sends headers (EventSource cannot), parses the stream as it arrives. */
export function openEventStream(t: TestApp, path: string, headers: Record<string, string>): Promise<SseStream> {
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port, path, agent: false, headers: { Accept: 'text/event-stream', ...headers } }, (response) => {
      const events: SseEvent[] = [];
      const comments: string[] = [];
      const waiters = new Set<() => void>();
      let raw = '';
      let buffer = '';
      let lastId: string | null = null;
      let endedResolve: () => void = () => undefined;
      const ended = new Promise<void>((done) => (endedResolve = done));
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        raw += chunk;
        buffer += chunk;
        let boundary: number;
        while ((boundary = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, boundary);
          buffer = buffer.slice(boundary + 2);
          let event: string | null = null;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) lastId = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length > 0) events.push({ id: lastId, event, data: data.join('\n') });
        }
        for (const waiter of [...waiters]) waiter();
      });
      response.on('end', endedResolve);
      response.on('close', endedResolve);
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        events,
        comments,
        lastEventId: () => lastId,
        body: () => raw,
        ended,
        close: () => request.destroy(),
        waitFor(predicate, timeoutMs = 10_000) {
          return new Promise((found, fail) => {
            const check = () => {
              const match = events.find(predicate);
              if (!match) return;
              waiters.delete(check);
              clearTimeout(timer);
              found(match);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
      });
    });
    request.on('error', reject);
  });
}

/** Resolves with the body of a non-streaming answer (an error before the stream starts). */
export async function closedBody(stream: SseStream): Promise<Record<string, unknown>> {
  await stream.ended;
  return JSON.parse(stream.body()) as Record<string, unknown>;
}
