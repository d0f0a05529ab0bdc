import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service.js';

/** Global: any module may count into it or offer a gauge, without importing it one by one. */
@Global()
@Module({ providers: [MetricsService], exports: [MetricsService] })
export class MetricsModule {}
