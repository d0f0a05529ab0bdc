import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { MailModule } from '../mail/mail.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccountRecoveryController } from './account-recovery.controller.js';
import { AccountRecoveryService } from './account-recovery.service.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { JwksController } from './jwks.controller.js';
import { JwtKeys } from './jwt-keys.js';
import { MfaController } from './mfa/mfa.controller.js';
import { MfaService } from './mfa/mfa.service.js';
import { SeedAuthController } from './seed-auth.controller.js';
import { SigningKeysService } from './signing-keys/signing-keys.service.js';
import { SessionsModule } from './sessions.module.js';
import { JwtAccessStrategy } from './strategies/jwt-access.strategy.js';
import { JwtRefreshStrategy } from './strategies/jwt-refresh.strategy.js';
import { AccessTokenGuard } from './token-guards.js';
import { TokenService } from './token.service.js';
import { UserTokensService } from './user-tokens.service.js';

@Module({
  imports: [JwtModule.register({}), UsersModule, SessionsModule, MailModule],
  controllers: [AuthController, AccountRecoveryController, SeedAuthController, JwksController, MfaController],
  providers: [
    AuthService,
    TokenService,
    JwtKeys,
    SigningKeysService,
    JwtAccessStrategy,
    JwtRefreshStrategy,
    AccountRecoveryService,
    UserTokensService,
    MfaService,
    // Global: every route of every module needs a live access token unless marked @Public().
    { provide: APP_GUARD, useClass: AccessTokenGuard },
  ],
})
export class AuthModule {}
