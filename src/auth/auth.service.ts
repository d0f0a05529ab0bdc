import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { ApiProblem } from '../common/problem/api-problem.js';
import { AppConfig } from '../config/app-config.js';
import { SecurityEventsService } from '../security-events/security-events.service.js';
import { UserDto } from '../users/dto/user.dto.js';
import { PasswordHasher } from '../users/password-hasher.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AccountRecoveryService } from './account-recovery.service.js';
import type { ClientInfo } from './client-info.decorator.js';
import type { AuthResponseDto } from './dto/auth-response.dto.js';
import type { LoginDto } from './dto/login.dto.js';
import type { RegisterDto } from './dto/register.dto.js';
import { SessionDto } from './dto/session.dto.js';
import type { VerificationRequiredDto } from './dto/verification-required.dto.js';
import type { LoginMfaDto, MfaChallengeDto } from './mfa/dto/mfa.dto.js';
import { MfaService } from './mfa/mfa.service.js';
import type { Session } from './session.entity.js';
import { SessionsService } from './sessions.service.js';
import type { RefreshCaller } from './token-claims.js';
import { TokenService } from './token.service.js';

const INVALID_CREDENTIALS = 'The email or password is not correct.';

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly tokens: TokenService,
    private readonly config: AppConfig,
    private readonly recovery: AccountRecoveryService,
    private readonly events: SecurityEventsService,
    private readonly mfa: MfaService,
  ) {}

  /** With REQUIRE_VERIFIED_EMAIL the answer is `VerificationRequiredDto`: no session, no tokens until the address is confirmed. */
  async register(input: RegisterDto, client: ClientInfo): Promise<AuthResponseDto | VerificationRequiredDto> {
    // Hashed before the transaction: a hash waiting for a thread must not hold a pool connection.
    const passwordHash = await this.hasher.hash(input.password);
    const withSession = !this.config.mail.requireVerifiedEmail;
    const { user, session } = await this.dataSource.transaction(async (manager) => {
      const user = await this.users.create({ email: input.email, passwordHash, name: input.name ?? null }, manager);
      await this.recovery.queueVerificationMail(manager, user);
      return { user, session: withSession ? await this.sessions.create(user.id, client, manager) : null };
    });
    this.events.record({ type: 'register', userId: user.id, detail: session ? { sessionId: session.id } : {} });
    if (!session) return { user: UserDto.from(user), emailVerificationRequired: true };
    return this.authResponse(user, session);
  }

  /**
   * One generic 401 for an unknown email and a wrong password, after the same bcrypt work. With TOTP
   * on, the right password answers an `MfaChallenge` (finished by `loginMfa`), or, for callers that
   * cannot show one (`mfa: 'refuse'`, the seed dialect), 403 `mfa-required`.
   */
  async login(input: LoginDto, client: ClientInfo, mfa: 'challenge' | 'refuse' = 'challenge'): Promise<AuthResponseDto | MfaChallengeDto> {
    const user = await this.users.findByEmail(input.email);
    const valid = user ? await this.hasher.verify(input.password, user.passwordHash) : await this.hasher.verifyAgainstDummy(input.password);
    if (!user || !valid) {
      this.events.record(user ? { type: 'login.failed', reason: 'wrong_password', userId: user.id } : { type: 'login.failed', reason: 'unknown_account', unknownEmail: input.email });
      throw ApiProblem.unauthorized(INVALID_CREDENTIALS);
    }
    if (this.config.mail.requireVerifiedEmail && !user.emailVerified) this.events.record({ type: 'login.failed', reason: 'unverified', userId: user.id });
    this.requireVerifiedEmail(user);
    if (user.mfaEnabled) {
      if (mfa === 'refuse') throw ApiProblem.forbidden('mfa-required', 'This account has two-factor sign-in: log in through POST /api/v1/auth/login and /api/v1/auth/login/mfa.');
      return this.mfa.startChallenge(user.id);
    }
    const session = await this.sessions.create(user.id, client);
    this.events.record({ type: 'login.succeeded', userId: user.id, detail: { sessionId: session.id } });
    return this.authResponse(user, session);
  }

  /** The second step of an MFA login: the mfaToken with an authenticator or recovery code. */
  async loginMfa(input: LoginMfaDto, client: ClientInfo): Promise<AuthResponseDto> {
    const { userId, session } = await this.mfa.completeChallenge(input, client);
    const user = await this.users.findById(userId);
    if (!user) throw ApiProblem.unauthorized('The account no longer exists.');
    return this.authResponse(user, session);
  }

  async refresh(caller: RefreshCaller, client: ClientInfo): Promise<AuthResponseDto> {
    const { session } = await this.sessions.rotate(caller, client);
    const user = await this.users.findById(session.userId);
    if (!user) throw ApiProblem.unauthorized('The refresh token is no longer valid.');
    // A session opened before REQUIRE_VERIFIED_EMAIL was turned on does not outlive it.
    this.requireVerifiedEmail(user);
    return this.authResponse(user, session);
  }

  async logout(caller: AuthenticatedUser): Promise<void> {
    await this.sessions.revoke(caller.userId, caller.sessionId, 'logout');
    this.events.record({ type: 'logout', userId: caller.userId, detail: { sessionId: caller.sessionId } });
  }

  async logoutAll(caller: AuthenticatedUser): Promise<void> {
    await this.sessions.revokeAll(caller.userId, 'logout_all');
    this.events.record({ type: 'logout', reason: 'all', userId: caller.userId, detail: { sessionId: caller.sessionId } });
  }

  async listSessions(caller: AuthenticatedUser): Promise<SessionDto[]> {
    const sessions = await this.sessions.listActive(caller.userId);
    return sessions.map((session) => SessionDto.from(session, caller.sessionId));
  }

  /** Unknown, malformed, already ended and other users' sessions are all the same 404. */
  async revokeSession(caller: AuthenticatedUser, sessionId: string): Promise<void> {
    if (!(await this.sessions.revoke(caller.userId, sessionId, 'revoked_by_user'))) {
      throw ApiProblem.notFound('No such session.');
    }
    this.events.record({ type: 'session.revoked', userId: caller.userId, detail: { sessionId } });
  }

  private requireVerifiedEmail(user: User): void {
    if (this.config.mail.requireVerifiedEmail && !user.emailVerified) {
      throw ApiProblem.forbidden('email-not-verified', 'Confirm your email address with the link we sent before logging in.');
    }
  }

  private authResponse(user: User, session: Session): AuthResponseDto {
    return {
      user: UserDto.from(user),
      accessToken: this.tokens.mintAccessToken(user.id, session.id),
      refreshToken: this.tokens.mintRefreshToken(session),
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTtlSeconds,
      refreshExpiresIn: Math.max(0, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)),
    };
  }
}
