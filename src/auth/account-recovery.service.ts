import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { ApiProblem } from '../common/problem/api-problem.js';
import { AppConfig } from '../config/app-config.js';
import { SecurityEventsService } from '../security-events/security-events.service.js';
import { MailOutbox } from '../mail/mail-outbox.service.js';
import type { MailContent } from '../mail/outgoing-mail.js';
import { emailVerificationMail, passwordResetMail } from '../mail/templates/link-mails.js';
import { User } from '../users/user.entity.js';
import { PasswordHasher } from '../users/password-hasher.service.js';
import { UsersService } from '../users/users.service.js';
import type { ResetPasswordDto } from './dto/reset-password.dto.js';
import { UserTokensService } from './user-tokens.service.js';

/**
 * An address with an account costs three more writes and a durable commit (~3-5 ms here); every
 * forgot-password (and anonymous verification resend) answer waits until this much time has passed,
 * so that difference does not show.
 */
const FORGOT_PASSWORD_MIN_MS = 50;

const invalidLink = () => ApiProblem.badRequest('invalid-token', 'The link is not valid: it may have expired, been used already, or been replaced by a newer one.');

/** Password reset and email verification by emailed single-use links. */
@Injectable()
export class AccountRecoveryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: UserTokensService,
    private readonly outbox: MailOutbox,
    private readonly config: AppConfig,
    private readonly events: SecurityEventsService,
  ) {}

  /**
   * Queues a reset link if the address has an account (and is under the hourly cap). Known and
   * unknown addresses run the same transaction up to the token and mail writes, get the same answer
   * after at least FORGOT_PASSWORD_MIN_MS, and the mail goes out later: nothing about SMTP shows.
   */
  async forgotPassword(email: string): Promise<void> {
    const answerAt = performance.now() + FORGOT_PASSWORD_MIN_MS;
    await this.dataSource.transaction(async (manager) => {
      const user = await manager.findOneBy(User, { email });
      await this.outbox.enqueue(manager, email, async () => (user ? this.passwordResetMail(manager, user) : null));
      this.events.record(user ? { type: 'password.reset_requested', userId: user.id } : { type: 'password.reset_requested', unknownEmail: email });
    });
    await sleep(Math.max(0, answerAt - performance.now()));
  }

  /** Sets the new password, ends every session and uses the token up; all or nothing. */
  async resetPassword(input: ResetPasswordDto): Promise<void> {
    // Hashed before the transaction: a hash waiting for a worker thread must not hold a pool connection.
    const passwordHash = await this.hasher.hash(input.newPassword);
    await this.dataSource.transaction(async (manager) => {
      const userId = await this.tokens.consume(manager, input.token, 'password_reset');
      if (!userId) throw invalidLink();
      await this.users.resetPassword(userId, passwordHash, manager);
      // Opening the emailed link proved the address belongs to them.
      await manager.update(User, { id: userId }, { emailVerified: true });
      this.events.record({ type: 'password.reset', userId });
    });
  }

  async verifyEmail(token: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const userId = await this.tokens.consume(manager, token, 'email_verify');
      if (!userId) throw invalidLink();
      await manager.update(User, { id: userId }, { emailVerified: true });
      this.events.record({ type: 'email.verified', userId });
    });
  }

  /**
   * Sends a fresh verification link; an address that is already verified gets nothing. The caller
   * (an access token) or, without one, the address in the body: someone who may not log in before
   * confirming holds no token.
   */
  async resendVerification(caller: AuthenticatedUser | null, email: string | undefined): Promise<void> {
    if (caller && email !== undefined) throw ApiProblem.validation([{ field: 'email', message: 'email must not be sent together with an access token' }]);
    if (!caller) {
      if (email === undefined) throw ApiProblem.validation([{ field: 'email', message: 'email is required without an access token' }]);
      return this.resendVerificationTo(email);
    }
    const user = await this.users.findById(caller.userId);
    // The session check passed a moment ago; the account was deleted in between.
    if (!user) throw ApiProblem.unauthorized('The account no longer exists.');
    if (user.emailVerified) return;
    await this.dataSource.transaction((manager) => this.queueVerificationMail(manager, user));
  }

  /** Like forgotPassword: known, unknown and verified addresses alike run the same transaction and answer after the same floor. */
  private async resendVerificationTo(email: string): Promise<void> {
    const answerAt = performance.now() + FORGOT_PASSWORD_MIN_MS;
    const ttlSeconds = this.config.mail.emailVerifyTtlSeconds;
    await this.dataSource.transaction(async (manager) => {
      const user = await manager.findOneBy(User, { email });
      await this.outbox.enqueue(manager, email, async () => {
        if (!user || user.emailVerified) return null;
        const { token, expiresAt } = await this.tokens.issue(manager, user.id, 'email_verify', ttlSeconds, false);
        return emailVerificationMail({ appUrl: this.config.appUrl, token, expiresAt, ttlSeconds });
      });
    });
    await sleep(Math.max(0, answerAt - performance.now()));
  }

  /** Runs inside the caller's transaction (registration), so the user, token and mail commit together. */
  async queueVerificationMail(manager: EntityManager, user: User): Promise<void> {
    const ttlSeconds = this.config.mail.emailVerifyTtlSeconds;
    await this.outbox.enqueue(manager, user.email, async () => {
      // Earlier verification links stay valid: a late-arriving first mail should still work.
      const { token, expiresAt } = await this.tokens.issue(manager, user.id, 'email_verify', ttlSeconds, false);
      return emailVerificationMail({ appUrl: this.config.appUrl, token, expiresAt, ttlSeconds });
    });
  }

  private async passwordResetMail(manager: EntityManager, user: User): Promise<MailContent> {
    const ttlSeconds = this.config.mail.passwordResetTtlSeconds;
    const { token, expiresAt } = await this.tokens.issue(manager, user.id, 'password_reset', ttlSeconds, true);
    return passwordResetMail({ appUrl: this.config.appUrl, token, expiresAt, ttlSeconds });
  }
}
