import { Module } from '@nestjs/common';
import { SessionsService } from './sessions.service.js';

/** Session rows on their own, so both auth and users can end sessions without importing each other. */
@Module({ providers: [SessionsService], exports: [SessionsService] })
export class SessionsModule {}
