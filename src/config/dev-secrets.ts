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

/** Development only: JWT keys generated on first start and kept so tokens survive restarts. */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = join(dataDir, 'jwt-secrets.json');
  if (existsSync(file)) {
    const stored: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isDevSecrets(stored)) return stored;
  }
  const secrets: DevSecrets = {
    accessSecret: randomBytes(48).toString('base64url'),
    refreshSecret: randomBytes(48).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
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
