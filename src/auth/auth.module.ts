import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtKeys } from './jwt-keys.js';
import { SessionsModule } from './sessions.module.js';
import { JwtAccessStrategy } from './strategies/jwt-access.strategy.js';
import { JwtRefreshStrategy } from './strategies/jwt-refresh.strategy.js';
import { AccessTokenGuard } from './token-guards.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [JwtModule.register({}), UsersModule, SessionsModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    JwtKeys,
    JwtAccessStrategy,
    JwtRefreshStrategy,
    // Global: every route of every module needs a live access token unless marked @Public().
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
})
export class AuthModule {}
