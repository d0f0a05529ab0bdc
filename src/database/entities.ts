import { MfaChallenge } from '../auth/mfa/mfa-challenge.entity.js';
import { MfaRecoveryCode } from '../auth/mfa/mfa-recovery-code.entity.js';
import { Session } from '../auth/session.entity.js';
import { SigningKey } from '../auth/signing-keys/signing-key.entity.js';
import { UserToken } from '../auth/user-token.entity.js';
import { OutboxMessage } from '../mail/outbox-message.entity.js';
import { IdempotencyKey } from '../tasks/idempotency-key.entity.js';
import { TaskChangeCounter } from '../tasks/task-change-counter.entity.js';
import { TaskTombstone } from '../tasks/task-tombstone.entity.js';
import { SecurityEvent } from '../security-events/security-event.entity.js';
import { Task } from '../tasks/task.entity.js';
import { User } from '../users/user.entity.js';

/** Listed as classes, not globs: a glob over dist would also pick up declaration files. */
export const ENTITIES = [User, Session, UserToken, Task, IdempotencyKey, OutboxMessage, TaskChangeCounter, TaskTombstone, SecurityEvent, SigningKey, MfaRecoveryCode, MfaChallenge];
