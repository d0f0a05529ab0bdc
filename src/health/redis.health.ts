import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { RedisConnection } from '../common/redis/redis-connection.js';

const PING_TIMEOUT_MS = 1000;

/** Redis answers PING; only asked when REDIS_URL is configured. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly redis: RedisConnection,
  ) {}

  get configured(): boolean {
    return this.redis.client !== null;
  }

  async ping(key: string): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    const client = this.redis.client;
    if (!client) return indicator.up({ message: 'not configured' });
    try {
      await Promise.race([client.ping(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), PING_TIMEOUT_MS).unref())]);
      return indicator.up();
    } catch {
      return indicator.down({ message: 'unreachable' });
    }
  }
}
