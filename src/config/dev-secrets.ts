import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface DevSecrets {
  accessSecret: string;
  refreshSecret: string;
}

function isDevSecrets(value: unknown): value is DevSecrets {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.accessSecret === 'string' && typeof record.refreshSecret === 'string';
}

/**
 * The HMAC keys an older development instance generated in DATA_DIR, so they are imported into the
 * key ring and its tokens stay valid. New keys are made in the database, never here.
 */
export function loadDevSecrets(dataDir: string): DevSecrets | null {
  const file = join(dataDir, 'jwt-secrets.json');
  if (!existsSync(file)) return null;
  const stored: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return isDevSecrets(stored) ? stored : null;
}
