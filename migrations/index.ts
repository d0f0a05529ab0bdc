import { InitialSchema1764316800000 } from './1764316800000-initial-schema.js';
import { SessionRevokedAtIndex1795852393543 } from './1795852393543-session-revoked-at-index.js';
import { SecurityEvents1796100000000 } from './1796100000000-security-events.js';
import { TaskChangeLog1796200000000 } from './1796200000000-task-change-log.js';
import { SigningKeys1796300000000 } from './1796300000000-signing-keys.js';
import { MfaTotp1796400000000 } from './1796400000000-mfa-totp.js';
import { TaskListCursorIndexes1796500000000 } from './1796500000000-task-list-cursor-indexes.js';

/** Every migration, oldest first. New files are added here too. */
export const MIGRATIONS = [
  InitialSchema1764316800000,
  SessionRevokedAtIndex1795852393543,
  SecurityEvents1796100000000,
  TaskChangeLog1796200000000,
  SigningKeys1796300000000,
  MfaTotp1796400000000,
  TaskListCursorIndexes1796500000000,
];
