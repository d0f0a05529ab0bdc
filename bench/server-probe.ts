import { readFileSync, rmSync } from 'node:fs';
import type { BuiltServer } from '../test/support/built-server.js';

/** What bench/probe.mjs writes from inside the server (milliseconds, megabytes). */
export interface ProbeReport {
  loopDelay: { p50: number; p99: number; max: number; mean: number };
  memory: { rss: number; heapUsed: number; heapTotal: number; external: number; arrayBuffers: number };
}

/** Asks bench/probe.mjs inside the server for the event-loop delay since the last call, and memory. */
export async function askProbe(server: BuiltServer, file: string): Promise<ProbeReport> {
  rmSync(file, { force: true });
  server.child.kill('SIGUSR2');
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ProbeReport;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error('no report from bench/probe.mjs');
}
