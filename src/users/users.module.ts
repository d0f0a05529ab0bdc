import { Module } from '@nestjs/common';
import { SessionsModule } from '../auth/sessions.module.js';
import { PasswordHasher } from './password-hasher.service.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [SessionsModule],
  controllers: [UsersController],
  providers: [UsersService, PasswordHasher],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
