/** Every line an app logs (pino's JSON lines, and Nest's through them), for tests that read the log back: pass `stream` as `logTo`. */
export class CapturedLog {
  readonly lines: string[] = [];
  readonly stream = { write: (line: string) => void this.lines.push(line) };

  get text(): string {
    return this.lines.join('');
  }

  /** Each line parsed: pino writes one JSON document per line. */
  json(): Record<string, unknown>[] {
    return this.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Every line about one request: our event lines carry `requestId`, fastify's own carry `reqId`. */
  forRequest(requestId: string): string[] {
    return this.lines.filter((line) => line.includes(requestId));
  }
}
