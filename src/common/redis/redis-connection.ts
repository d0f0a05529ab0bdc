import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { AppConfig } from '../../config/app-config.js';

/**
 * The one Redis connection (REDIS_URL), shared by the rate limiter and the readiness probe; null
 * when Redis is not configured. Commands fail at once while it is down (no offline queue) and time
 * out after 500 ms, so a dead or hanging Redis costs a request at most that. The outage is logged
 * once when it starts and once when it ends, not on every reconnect attempt. A short
 * disconnectTimeout: ioredis arms that timer even when the socket is already gone (Redis down),
 * and it would hold the process open on shutdown for its full length.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  readonly client: Redis | null;
  private readonly logger = new Logger('Redis');
  private down = false;

  constructor(config: AppConfig) {
    this.client = config.redisUrl ? this.connect(config.redisUrl) : null;
  }

  onApplicationShutdown(): void {
    this.client?.disconnect();
  }

  private connect(url: string): Redis {
    const redis = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000, commandTimeout: 500, disconnectTimeout: 200 });
    redis.on('error', (error: Error) => {
      if (this.down) return;
      this.down = true;
      this.logger.warn({ err: error.message }, 'Redis is unreachable: rate limits are not enforced until it is back');
    });
    redis.on('ready', () => {
      if (!this.down) return;
      this.down = false;
      this.logger.log('Redis is reachable again: rate limits are enforced');
    });
    return redis;
  }
}
