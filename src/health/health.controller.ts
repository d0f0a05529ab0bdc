import { Controller, Get, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { HealthCheck, type HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../common/auth/public.decorator.js';
import { ApiProblemResponses } from '../common/problem/api-problem-responses.decorator.js';
import { RedisHealthIndicator } from './redis.health.js';

const HEALTH_SCHEMA = {
  type: 'object',
  properties: {
    status: { type: 'string', enum: ['ok', 'error'] },
    info: { type: 'object', additionalProperties: true },
    error: { type: 'object', additionalProperties: true },
    details: { type: 'object', additionalProperties: true },
  },
  required: ['status'],
};

@ApiTags('health')
@Public()
@Controller({ path: 'health', version: VERSION_NEUTRAL })
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ description: 'The process is up.', schema: HEALTH_SCHEMA })
  @ApiOperation({ operationId: 'health_live', summary: 'The process is up' })
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @ApiOkResponse({ description: 'The database answers, and Redis too when REDIS_URL is set.', schema: HEALTH_SCHEMA })
  @ApiProblemResponses(503)
  @ApiOperation({ operationId: 'health_ready', summary: 'The database (and Redis, when configured) answers' })
  ready(): Promise<HealthCheckResult> {
    const database = () => this.database.pingCheck('database', { timeout: 2000 });
    return this.redis.configured ? this.health.check([database, () => this.redis.ping('redis')]) : this.health.check([database]);
  }
}
