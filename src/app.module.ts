import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './auth/auth.module.js';
import type { AppConfig } from './config/app-config.js';
import { RedisModule } from './common/redis/redis.module.js';
import { ConfigModule } from './config/config.module.js';
import { buildDataSourceOptions, type DatabaseConnection } from './database/data-source-options.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { SecurityEventsModule } from './security-events/security-events.module.js';
import { TasksModule } from './tasks/tasks.module.js';
import { UsersModule } from './users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: DatabaseConnection): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...buildDataSourceOptions(database), retryAttempts: 3, retryDelay: 1000 }),
        ScheduleModule.forRoot(),
        RedisModule,
        MetricsModule,
        SecurityEventsModule,
        HealthModule,
        UsersModule,
        AuthModule,
        TasksModule,
      ],
    };
  }
}
