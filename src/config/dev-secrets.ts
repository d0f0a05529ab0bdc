import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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

/** Development only: one more generated secret, in a file of its own under DATA_DIR. */
export function loadOrCreateDevSecret(dataDir: string, name: string): string {
  const file = join(dataDir, `${name}.secret`);
  if (existsSync(file)) {
    const stored = readFileSync(file, 'utf8').trim();
    if (stored.length > 0) return stored;
  }
  const secret = randomBytes(48).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Development only: the outbox encryption key (MAIL_ENCRYPTION_KEY), generated on first start and kept so queued mail stays readable. */
export function loadOrCreateDevMailKey(dataDir: string): Buffer {
  const file = join(dataDir, 'mail-encryption.key');
  if (existsSync(file)) {
    const stored = Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
    if (stored.length === 32) return stored;
  }
  const key = randomBytes(32);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}
