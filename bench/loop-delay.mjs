/**
 * Preloaded into the server under test (`node --import ./bench/loop-delay.mjs dist/src/main.js`):
 * samples the event-loop delay with perf_hooks, and on SIGUSR2 writes the histogram since the
 * last SIGUSR2 to $BENCH_LOOP_DELAY_FILE (milliseconds) and starts afresh. Keeps the measurement
 * out of the public API.
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_LOOP_DELAY_FILE;
if (file) {
  const resolutionMs = 10;
  const histogram = monitorEventLoopDelay({ resolution: resolutionMs });
  histogram.enable();
  // The histogram records whole sampling intervals; the delay is what exceeds the interval.
  const ms = (nanoseconds) => Math.max(0, Math.round(nanoseconds / 1e4 - resolutionMs * 100) / 100);
  process.on('SIGUSR2', () => {
    const summary = { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), mean: ms(histogram.mean) };
    writeFileSync(file, JSON.stringify(summary));
    histogram.reset();
  });
}
