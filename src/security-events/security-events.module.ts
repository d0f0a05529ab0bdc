import { Global, Module } from '@nestjs/common';
import { SecurityEventsActivityService } from './security-events-activity.service.js';
import { SecurityEventsController } from './security-events.controller.js';
import { SecurityEventsService } from './security-events.service.js';

/** Global: auth and users record events with one call, without importing it one by one. */
@Global()
@Module({
  controllers: [SecurityEventsController],
  providers: [SecurityEventsService, SecurityEventsActivityService],
  exports: [SecurityEventsService],
})
export class SecurityEventsModule {}
