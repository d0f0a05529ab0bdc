import { InitialSchema1764316800000 } from './1764316800000-initial-schema.js';
import { SessionRevokedAtIndex1795852393543 } from './1795852393543-session-revoked-at-index.js';
import { SigningKeys1796300000000 } from './1796300000000-signing-keys.js';

/** Every migration, oldest first. New files are added here too. */
export const MIGRATIONS = [InitialSchema1764316800000, SessionRevokedAtIndex1795852393543, SigningKeys1796300000000];
