import { randomBytes } from 'node:crypto';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Piscina } from 'piscina';
import { ApiProblem } from '../common/problem/api-problem.js';
import { AppConfig } from '../config/app-config.js';
import { MetricsService } from '../metrics/metrics.service.js';
import type { PasswordHashTask } from './password-hash.worker.js';

const IDLE_THREAD_TIMEOUT_MS = 30_000;
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * The worker sits next to this module: `.js` in dist; `.ts` when running from source (jest), where
 * the thread needs a TypeScript loader of its own — jest's transform does not reach worker threads.
 */
function workerOptions(): { filename: string; execArgv: string[] } {
  if (!import.meta.url.endsWith('.ts')) return { filename: new URL('./password-hash.worker.js', import.meta.url).href, execArgv: [] };
  const hooks = new URL('../../scripts/typescript-hooks.mjs', import.meta.url).href;
  const registerHooks = `import { register } from 'node:module'; register(${JSON.stringify(hooks)});`;
  return {
    filename: new URL('./password-hash.worker.ts', import.meta.url).href,
    execArgv: ['--import', `data:text/javascript,${encodeURIComponent(registerHooks)}`],
  };
}

/**
 * bcrypt on a pool of worker threads (bcryptjs is pure JS: ~300 ms of CPU per hash at cost 12),
 * so a login storm never blocks the event loop. The queue is bounded: past it, callers get a 503
 * with Retry-After instead of joining a backlog that only grows.
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private readonly pool: Piscina<PasswordHashTask, string | boolean>;
  private dummyHash: Promise<string> | null = null;

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.pool = new Piscina({
      ...workerOptions(),
      maxThreads: config.passwordHashing.threads,
      minThreads: 1,
      idleTimeout: IDLE_THREAD_TIMEOUT_MS,
    });
    metrics.gauge('tasknest_password_hash_queue_depth', 'Password hashes waiting for a worker thread.', () => this.pool.queueSize);
  }

  async hash(password: string): Promise<string> {
    return String(await this.run({ op: 'hash', password, cost: this.config.bcryptCost }));
  }

  async verify(password: string, hash: string): Promise<boolean> {
    return (await this.run({ op: 'verify', password, hash })) === true;
  }

  /** Spends the same time as a real verification, for callers with no user to check against. */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex')).catch((error: unknown) => {
      this.dummyHash = null;
      throw error;
    });
    await this.verify(password, await this.dummyHash);
    return false;
  }

  /** Runs after the HTTP server has drained, so hashes of requests still in flight finish first. */
  async onApplicationShutdown(): Promise<void> {
    await this.pool.destroy();
  }

  private run(task: PasswordHashTask): Promise<string | boolean> {
    if (this.pool.queueSize >= this.config.passwordHashing.queueMax) {
      throw ApiProblem.serviceUnavailable('Too many sign-ins are being processed; try again shortly.', this.secondsToDrain());
    }
    return this.pool.run(task);
  }

  /** How long the threads need to work through the queue, from the mean time of a hash so far. */
  private secondsToDrain(): number {
    const meanMs = this.pool.histogram.runTime.mean;
    const estimate = Math.ceil(((Number.isFinite(meanMs) ? meanMs : 0) * this.pool.queueSize) / this.pool.maxThreads / 1000);
    return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, estimate));
  }
}
