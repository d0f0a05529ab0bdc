/**
 * Preloaded into the server under test (`node --import ./bench/probe.mjs dist/src/main.js`), and
 * silent unless $BENCH_PROBE_FILE is set. On SIGUSR2 it writes to that file, as JSON: the
 * event-loop delay since the previous SIGUSR2 (milliseconds beyond the 10 ms sampling interval)
 * and memory in MB (heap after a full collection when started with --expose-gc). Keeps the
 * measurements out of the public API.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_PROBE_FILE;
if (file) {
  const resolutionMs = 10;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  // The histogram records whole sampling intervals; the delay is what exceeds the interval.
  const ms = (nanoseconds) => Math.max(0, Math.round(nanoseconds / 1e4 - resolutionMs * 100) / 100);
  const mb = (bytes) => Math.round(bytes / 1e5) / 10;
  process.on('SIGUSR2', () => {
    const loopDelay = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), mean: ms(histogram.mean) };
    if (typeof globalThis.gc === 'function') globalThis.gc();
    const memory = process.memoryUsage();
    writeFileSync(file, JSON.stringify({ loopDelay, memory: { rss: mb(memory.rss), heapUsed: mb(memory.heapUsed), heapTotal: mb(memory.heapTotal), external: mb(memory.external), arrayBuffers: mb(memory.arrayBuffers) } }));
    histogram.reset();
  });
}
