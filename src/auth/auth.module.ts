import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtKeys } from './jwt-keys.js';
import { SessionsModule } from './sessions.module.js';
import { JwtAccessStrategy } from './strategies/jwt-access.strategy.js';
import { JwtRefreshStrategy } from './strategies/jwt-refresh.strategy.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [PassportModule, JwtModule.register({}), UsersModule, SessionsModule],
  controllers: [AuthController],
  providers: [AuthService, TokenService, JwtKeys, JwtAccessStrategy, JwtRefreshStrategy],
})
export class AuthModule {}
