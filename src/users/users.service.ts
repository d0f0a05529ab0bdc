import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { SessionsService } from '../auth/sessions.service.js';
import type { AuthenticatedUser } from '../common/auth/authenticated-user.js';
import { ApiProblem } from '../common/problem/api-problem.js';
import { takeChangeSeq } from '../tasks/task-change-log.js';
import type { ChangePasswordDto } from './dto/change-password.dto.js';
import type { DeleteAccountDto } from './dto/delete-account.dto.js';
import type { UpdateMeDto } from './dto/update-me.dto.js';
import { UserDto } from './dto/user.dto.js';
import { SecurityEventsService } from '../security-events/security-events.service.js';
import { PasswordHasher } from './password-hasher.service.js';
import { User } from './user.entity.js';

const UNIQUE_VIOLATION = '23505';

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  email_verified: boolean;
  mfa_enabled: boolean;
  created_at: Date;
  updated_at: Date;
}

const USER_COLUMNS = 'id, email, name, password_hash, email_verified, mfa_enabled, created_at, updated_at';

function toUser(row: UserRow): User {
  return Object.assign(new User(), {
    id: row.id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    emailVerified: row.email_verified,
    mfaEnabled: row.mfa_enabled,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}

export interface NewUser {
  email: string;
  /** From PasswordHasher.hash, computed before the caller opens its transaction. */
  passwordHash: string;
  name: string | null;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly events: SecurityEventsService,
  ) {}

  findByEmail(email: string): Promise<User | null> {
    return this.findOne('email = $1', [email]);
  }

  /** Runs on every GET /users/me: plain SQL, as TypeORM's query builder cost more CPU than the query. */
  findById(id: string): Promise<User | null> {
    return this.findOne('id = $1', [id]);
  }

  /** Inserts the user; a taken email (in any letter case) is a 409. */
  async create(input: NewUser, manager: EntityManager): Promise<User> {
    try {
      return await manager.save(manager.create(User, { email: input.email, name: input.name || null, passwordHash: input.passwordHash, emailVerified: false }));
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === UNIQUE_VIOLATION) {
        throw ApiProblem.conflict('email-taken', 'An account with this email already exists.');
      }
      throw error;
    }
  }

  async getMe(caller: AuthenticatedUser): Promise<UserDto> {
    return UserDto.from(await this.require(caller.userId));
  }

  async updateMe(caller: AuthenticatedUser, changes: UpdateMeDto): Promise<UserDto> {
    const user = await this.require(caller.userId);
    user.name = changes.name || null;
    return UserDto.from(await this.dataSource.manager.save(user));
  }

  /** Verifies the current password (403 when wrong), ends every other session and voids outstanding reset links. */
  async changePassword(caller: AuthenticatedUser, input: ChangePasswordDto): Promise<void> {
    const user = await this.requireWithPassword(caller.userId, input.currentPassword);
    const passwordHash = await this.hasher.hash(input.newPassword);
    await this.dataSource.transaction(async (manager) => {
      await manager.update(User, { id: user.id }, { passwordHash });
      await this.sessions.revokeAll(user.id, 'password_changed', caller.sessionId, manager);
      // A reset link mailed before the change must not undo it (user_tokens is auth's table, used up as consume() does).
      await manager.query(`UPDATE user_tokens SET used_at = now() WHERE user_id = $1 AND purpose = 'password_reset' AND used_at IS NULL`, [user.id]);
    });
    this.events.record({ type: 'password.changed', userId: user.id, detail: { sessionId: caller.sessionId } });
  }

  /**
   * Deletes the user; tasks, sessions, tokens and the change log go with it (ON DELETE CASCADE).
   * Taking the user's change number first waits for task writes in flight, as every task write does.
   */
  async deleteMe(caller: AuthenticatedUser, input: DeleteAccountDto): Promise<void> {
    const user = await this.requireWithPassword(caller.userId, input.password);
    await this.dataSource.transaction(async (manager) => {
      await takeChangeSeq(manager, user.id);
      await manager.delete(User, { id: user.id });
    });
  }

  /** Sets an already computed password hash and ends every session (used by password reset). */
  async resetPassword(userId: string, passwordHash: string, manager: EntityManager): Promise<void> {
    await manager.update(User, { id: userId }, { passwordHash });
    await this.sessions.revokeAll(userId, 'password_reset', null, manager);
  }

  private async findOne(where: string, parameters: unknown[]): Promise<User | null> {
    const rows: UserRow[] = await this.dataSource.query(`SELECT ${USER_COLUMNS} FROM users WHERE ${where} LIMIT 1`, parameters);
    return rows.length > 0 ? toUser(rows[0]) : null;
  }

  private async require(userId: string): Promise<User> {
    const user = await this.findById(userId);
    // The session check passed a moment ago; the account was deleted in between.
    if (!user) throw ApiProblem.unauthorized('The account no longer exists.');
    return user;
  }

  private async requireWithPassword(userId: string, password: string): Promise<User> {
    const user = await this.require(userId);
    if (!(await this.hasher.verify(password, user.passwordHash))) {
      throw ApiProblem.forbidden('wrong-password', 'The password is not correct.');
    }
    return user;
  }
}
