import { createHash, randomBytes, randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { generateSecret, generateURI, verify } from 'otplib';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../common/auth/authenticated-user.js';
import { ApiProblem } from '../../common/problem/api-problem.js';
import { AppConfig } from '../../config/app-config.js';
import { SecurityEventsService } from '../../security-events/security-events.service.js';
import { PasswordHasher } from '../../users/password-hasher.service.js';
import type { User } from '../../users/user.entity.js';
import { UsersService } from '../../users/users.service.js';
import type { ClientInfo } from '../client-info.decorator.js';
import type { Session } from '../session.entity.js';
import { SessionsService } from '../sessions.service.js';
import { KeySealer } from '../signing-keys/key-material.js';
import type { LoginMfaDto, MfaChallengeDto, MfaPasswordAndCodeDto, MfaSetupResponseDto, RecoveryCodesDto } from './dto/mfa.dto.js';

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30 s steps; ±1 step (±30 s) of clock drift. */
const PERIOD_SECONDS = 30;
const DRIFT_SECONDS = 30;
const ISSUER = 'tasknest';
export const MFA_CHALLENGE_TTL_SECONDS = 300;
export const MFA_MAX_WRONG_CODES = 5;
const RECOVERY_CODE_COUNT = 10;
/** Crockford-like, no 0/1/i/l/o: read off paper without doubt. */
const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
/** The sealed secret is bound to its user: a value copied to another row does not open. */
const sealContext = (userId: string): string => `totp:${userId}`;
const normalizeRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '');

const wrongCode = () => ApiProblem.forbidden('wrong-mfa-code', 'The authenticator code is not correct (or was already used).');
const badChallenge = () => ApiProblem.unauthorized('The mfaToken is not valid: it expired, was used, or met too many wrong codes. Log in again.');

interface TotpRow {
  mfa_enabled: boolean;
  totp_secret: string | null;
  totp_pending_secret: string | null;
}

export interface MfaLoginResult {
  userId: string;
  session: Session;
}

/**
 * Two-factor sign-in with TOTP (otplib). The secret is sealed like the signing keys (KeySealer,
 * JWT_KEY_ENCRYPTION_SECRET). RFC 6238 §5.2: a code is accepted only when its time step is later
 * than the last accepted one, decided by one conditional UPDATE, so of concurrent submissions of
 * one code exactly one wins. Recovery codes and mfaTokens are stored as SHA-256 only.
 */
@Injectable()
export class MfaService {
  private readonly sealer: KeySealer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly events: SecurityEventsService,
    config: AppConfig,
  ) {
    this.sealer = new KeySealer(config.jwt.keyEncryptionSecret);
  }

  /** A new pending secret (replacing an earlier pending one); TOTP stays off until `confirm`. */
  async setup(caller: AuthenticatedUser, password: string): Promise<MfaSetupResponseDto> {
    const user = await this.requireWithPassword(caller.userId, password);
    if (user.mfaEnabled) throw ApiProblem.conflict('mfa-already-enabled', 'Two-factor sign-in is already on; turn it off first to enrol a new authenticator.');
    const secret = generateSecret();
    await this.dataSource.query('UPDATE users SET totp_pending_secret = $2 WHERE id = $1', [user.id, this.seal(user.id, secret)]);
    return { secret, otpauthUri: generateURI({ issuer: ISSUER, label: user.email, secret }) };
  }

  /** The first code proves the app has the secret: TOTP goes on, 10 recovery codes come back, other sessions end. */
  async confirm(caller: AuthenticatedUser, code: string): Promise<RecoveryCodesDto> {
    const row = await this.totpRow(caller.userId);
    if (row.mfa_enabled) throw ApiProblem.conflict('mfa-already-enabled', 'Two-factor sign-in is already on.');
    if (!row.totp_pending_secret) throw ApiProblem.conflict('mfa-setup-required', 'Start with POST /api/v1/auth/mfa/totp/setup.');
    const step = await this.matchStep(caller.userId, row.totp_pending_secret, code);
    if (step === null) throw wrongCode();
    const recoveryCodes = await this.dataSource.transaction(async (manager) => {
      const [rows]: [unknown[], number] = await manager.query(
        `UPDATE users SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, mfa_enabled = true, totp_last_step = $3
          WHERE id = $1 AND mfa_enabled = false AND totp_pending_secret = $2 RETURNING id`,
        [caller.userId, row.totp_pending_secret, step],
      );
      if (rows.length === 0) throw ApiProblem.conflict('mfa-setup-required', 'The pending secret changed meanwhile; start again with setup.');
      await this.sessions.revokeAll(caller.userId, 'mfa_changed', caller.sessionId, manager);
      return this.replaceRecoveryCodes(manager, caller.userId);
    });
    this.events.record({ type: 'mfa.enabled', userId: caller.userId, detail: { sessionId: caller.sessionId } });
    return { recoveryCodes };
  }

  /** Both factors: the password and a fresh code. Other sessions end. */
  async disable(caller: AuthenticatedUser, input: MfaPasswordAndCodeDto): Promise<void> {
    await this.requireBothFactors(caller.userId, input);
    await this.dataSource.transaction(async (manager) => {
      await manager.query(
        'UPDATE users SET mfa_enabled = false, totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = $1',
        [caller.userId],
      );
      await manager.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [caller.userId]);
      await manager.query('DELETE FROM mfa_challenges WHERE user_id = $1', [caller.userId]);
      await this.sessions.revokeAll(caller.userId, 'mfa_changed', caller.sessionId, manager);
    });
    this.events.record({ type: 'mfa.disabled', userId: caller.userId, detail: { sessionId: caller.sessionId } });
  }

  /** New recovery codes; the old ones die. */
  async regenerateRecoveryCodes(caller: AuthenticatedUser, input: MfaPasswordAndCodeDto): Promise<RecoveryCodesDto> {
    await this.requireBothFactors(caller.userId, input);
    const recoveryCodes = await this.dataSource.transaction((manager) => this.replaceRecoveryCodes(manager, caller.userId));
    this.events.record({ type: 'mfa.recovery_codes_regenerated', userId: caller.userId });
    return { recoveryCodes };
  }

  /** The password step succeeded for an account with TOTP: a single-use mfaToken instead of tokens. */
  async startChallenge(userId: string): Promise<MfaChallengeDto> {
    const mfaToken = randomBytes(32).toString('base64url');
    await this.dataSource.query(
      'INSERT INTO mfa_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))',
      [sha256(mfaToken), userId, MFA_CHALLENGE_TTL_SECONDS],
    );
    return { mfaRequired: true, mfaToken, expiresIn: MFA_CHALLENGE_TTL_SECONDS };
  }

  /**
   * The second step. The challenge row is locked for the whole check, so submissions with one
   * mfaToken take turns; a wrong code counts against it (committed), the fifth kills it.
   */
  async completeChallenge(input: LoginMfaDto, client: ClientInfo): Promise<MfaLoginResult> {
    if ((input.code === undefined) === (input.recoveryCode === undefined)) {
      throw ApiProblem.validation([{ field: 'code', message: 'give exactly one of code and recoveryCode' }]);
    }
    const outcome = await this.dataSource.transaction(async (manager) => {
      const [challenge]: { id: string; user_id: string }[] = await manager.query(
        `SELECT id, user_id FROM mfa_challenges
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() AND attempts < $2 FOR UPDATE`,
        [sha256(input.mfaToken), MFA_MAX_WRONG_CODES],
      );
      if (!challenge) return { kind: 'no-challenge' as const };
      const accepted = input.code !== undefined ? await this.acceptCode(manager, challenge.user_id, input.code) : await this.useRecoveryCode(manager, challenge.user_id, input.recoveryCode ?? '');
      if (!accepted) {
        await manager.query('UPDATE mfa_challenges SET attempts = attempts + 1 WHERE id = $1', [challenge.id]);
        return { kind: 'wrong-code' as const, userId: challenge.user_id };
      }
      await manager.query('UPDATE mfa_challenges SET used_at = now() WHERE id = $1', [challenge.id]);
      const session = await this.sessions.create(challenge.user_id, client, manager);
      return { kind: 'ok' as const, userId: challenge.user_id, session, recovery: input.recoveryCode !== undefined };
    });
    if (outcome.kind === 'no-challenge') throw badChallenge();
    if (outcome.kind === 'wrong-code') {
      this.events.record({ type: 'login.failed', reason: 'mfa_failed', userId: outcome.userId });
      throw ApiProblem.unauthorized('The code is not correct (or was already used).');
    }
    this.events.record({ type: 'login.succeeded', userId: outcome.userId, detail: { sessionId: outcome.session.id, mfa: outcome.recovery ? 'recovery_code' : 'totp' } });
    return { userId: outcome.userId, session: outcome.session };
  }

  private async requireBothFactors(userId: string, input: MfaPasswordAndCodeDto): Promise<void> {
    const user = await this.requireWithPassword(userId, input.password);
    if (!user.mfaEnabled) throw ApiProblem.conflict('mfa-not-enabled', 'Two-factor sign-in is not on.');
    if (!(await this.acceptCode(this.dataSource.manager, userId, input.code))) throw wrongCode();
  }

  private async requireWithPassword(userId: string, password: string): Promise<User> {
    const user = await this.users.findById(userId);
    if (!user) throw ApiProblem.unauthorized('The account no longer exists.');
    if (!(await this.hasher.verify(password, user.passwordHash))) throw ApiProblem.forbidden('wrong-password', 'The password is not correct.');
    return user;
  }

  private async totpRow(userId: string, manager: EntityManager = this.dataSource.manager): Promise<TotpRow> {
    const [row]: TotpRow[] = await manager.query('SELECT mfa_enabled, totp_secret, totp_pending_secret FROM users WHERE id = $1', [userId]);
    if (!row) throw ApiProblem.unauthorized('The account no longer exists.');
    return row;
  }

  /** The time step `code` belongs to (within the drift window), or null. */
  private async matchStep(userId: string, sealed: string, code: string): Promise<number | null> {
    const secret = this.sealer.open(sealContext(userId), sealed).toString('utf8');
    const result = await verify({ secret, token: code, period: PERIOD_SECONDS, epochTolerance: DRIFT_SECONDS });
    // The functional API's result also covers HOTP; a TOTP match carries its time step.
    return result.valid && 'timeStep' in result ? result.timeStep : null;
  }

  /** A valid code of a later step than the last accepted one; recording its step is the atomic part. */
  private async acceptCode(manager: EntityManager, userId: string, code: string): Promise<boolean> {
    const row = await this.totpRow(userId, manager);
    if (!row.mfa_enabled || !row.totp_secret) return false;
    const step = await this.matchStep(userId, row.totp_secret, code);
    if (step === null) return false;
    const [rows]: [unknown[], number] = await manager.query(
      `UPDATE users SET totp_last_step = $2
        WHERE id = $1 AND mfa_enabled AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [userId, step],
    );
    return rows.length === 1;
  }

  private async useRecoveryCode(manager: EntityManager, userId: string, code: string): Promise<boolean> {
    const [rows]: [unknown[], number] = await manager.query(
      'UPDATE mfa_recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING id',
      [userId, sha256(normalizeRecoveryCode(code))],
    );
    return rows.length === 1;
  }

  private async replaceRecoveryCodes(manager: EntityManager, userId: string): Promise<string[]> {
    await manager.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
      const raw = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]).join('');
      return `${raw.slice(0, 5)}-${raw.slice(5)}`;
    });
    await manager.query(
      'INSERT INTO mfa_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::char(64)[])',
      [userId, codes.map((code) => sha256(normalizeRecoveryCode(code)))],
    );
    return codes;
  }

  private seal(userId: string, secret: string): string {
    return this.sealer.seal(sealContext(userId), Buffer.from(secret, 'utf8'));
  }
}
