import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { MailModule } from '../mail/mail.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountRecoveryController } from './account-recovery.controller.js';
import { AccountRecoveryService } from './account-recovery.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwtKeys } from './jwt-keys.js';
import { SessionsModule } from './sessions.module.js';
import { JwtAccessStrategy } from './strategies/jwt-access.strategy.js';
import { JwtRefreshStrategy } from './strategies/jwt-refresh.strategy.js';
import { TokenService } from './token.service.js';
import { UserTokensService } from './user-tokens.service.js';

@Module({
  imports: [PassportModule, JwtModule.register({}), UsersModule, SessionsModule, MailModule],
  controllers: [AuthController, AccountRecoveryController],
  providers: [AuthService, TokenService, JwtKeys, JwtAccessStrategy, JwtRefreshStrategy, AccountRecoveryService, UserTokensService],
})
export class AuthModule {}
