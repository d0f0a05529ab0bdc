import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './load-config.js';

const STRONG_A = 'k3Jx9vQz2LmN8pRt5WyB7cHd4FgS6aUe';
const STRONG_B = 'Zp4Qw8Er2Ty6Ui9Op3As7Df5Gh1Jk0Lx';
const STRONG_C = 'Hq7Vn2Mw9Kx4Bz6Tr1Ys8Lp3Dg5Fj0Cn';

describe('loadConfig', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'tasknest-config-'));
  });

  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('applies the documented defaults', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.port).toBe(3000);
    expect(config.databaseUrl).toBeNull();
    expect(config.jwt.accessTtlSeconds).toBe(900);
    expect(config.session).toEqual({ idleTtlSeconds: 7 * 86400, maxAgeSeconds: 30 * 86400, refreshReuseGraceSeconds: 10 });
    expect(config.bcryptCost).toBe(12);
    expect(config.requestTimeoutSeconds).toBe(30);
    expect(config.rateLimit).toEqual({ authPerMinute: 20, perMinute: 600, redisPrefix: 'tasknest:rate-limit:' });
    expect(config.trustProxy).toBe(false);
    expect(config.appUrl).toBe('http://localhost:3000');
    expect(config.mail.passwordResetTtlSeconds).toBe(1800);
    expect(config.mail.emailVerifyTtlSeconds).toBe(2 * 86400);
    expect(config.mail.requireVerifiedEmail).toBe(false);
    expect(config.mail.perAddressPerHour).toBe(5);
  });

  it('writes no JWT secrets to DATA_DIR (keys live in the database), but picks up the ones an older version left there', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.jwt).toEqual(expect.objectContaining({ accessSecret: null, refreshSecret: null, algorithm: 'HS256', keyEncryptionSecret: null }));
    expect(config.jwt.keyRotationIntervalSeconds).toBe(30 * 86400);
    expect(config.jwt.keyPollIntervalMs).toBe(5000);
    expect(existsSync(join(dataDir, 'jwt-secrets.json'))).toBe(false);

    writeFileSync(join(dataDir, 'jwt-secrets.json'), JSON.stringify({ accessSecret: STRONG_A, refreshSecret: STRONG_B }));
    expect(loadConfig({ DATA_DIR: dataDir }).jwt).toEqual(expect.objectContaining({ accessSecret: STRONG_A, refreshSecret: STRONG_B }));
  });

  it('reads the signing key settings', () => {
    const config = loadConfig({ DATA_DIR: dataDir, JWT_ALGORITHM: 'ES256', JWT_KEY_ROTATION_INTERVAL: '0', JWT_KEY_POLL_INTERVAL: '250ms' });
    expect(config.jwt).toEqual(expect.objectContaining({ algorithm: 'ES256', keyRotationIntervalSeconds: 0, keyPollIntervalMs: 250 }));
    expect(() => loadConfig({ DATA_DIR: dataDir, JWT_ALGORITHM: 'HS512' })).toThrow(/JWT_ALGORITHM/);
    expect(() => loadConfig({ DATA_DIR: dataDir, JWT_KEY_POLL_INTERVAL: '1m' })).toThrow(/JWT_KEY_POLL_INTERVAL/);
  });

  it('generates the development mail encryption key once and keeps it in DATA_DIR', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(first.mail.encryptionKey).toHaveLength(32);
    expect(second.mail.encryptionKey.equals(first.mail.encryptionKey)).toBe(true);
    expect(readFileSync(join(dataDir, 'mail-encryption.key'), 'utf8')).toBe(first.mail.encryptionKey.toString('hex'));
  });

  it('reads MAIL_ENCRYPTION_KEY as 64 hex characters or as base64', () => {
    const key = Buffer.from(STRONG_A);
    expect(loadConfig({ DATA_DIR: dataDir, MAIL_ENCRYPTION_KEY: key.toString('hex') }).mail.encryptionKey.equals(key)).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir, MAIL_ENCRYPTION_KEY: key.toString('base64') }).mail.encryptionKey.equals(key)).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir, MAIL_ENCRYPTION_KEY: key.toString('base64url') }).mail.encryptionKey.equals(key)).toBe(true);
  });

  it('reads durations with units and a zero grace', () => {
    const config = loadConfig({ DATA_DIR: dataDir, JWT_ACCESS_TTL: '5m', SESSION_IDLE_TTL: '900', REFRESH_REUSE_GRACE: '0' });
    expect(config.jwt.accessTtlSeconds).toBe(300);
    expect(config.session.idleTtlSeconds).toBe(900);
    expect(config.session.refreshReuseGraceSeconds).toBe(0);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['JWT_ACCESS_TTL', '15 minutes'],
    ['SESSION_MAX_AGE', '0'],
    ['BCRYPT_COST', '3'],
    ['BCRYPT_COST', '12.5'],
    ['DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['REQUIRE_VERIFIED_EMAIL', 'yes'],
    ['NODE_ENV', 'staging'],
    ['MAIL_ENCRYPTION_KEY', 'a'.repeat(63)],
    ['MAIL_ENCRYPTION_KEY', Buffer.alloc(16).toString('base64')],
    ['ALLOW_EMBEDDED_DATABASE', 'yes'],
    ['REQUEST_TIMEOUT', '0'],
  ])('refuses %s=%p with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ DATA_DIR: dataDir, [name]: value })).toThrow(new RegExp(`${name}:`));
  });

  it('reports every bad variable at once', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir, PORT: 'x', BCRYPT_COST: 'y' })).toThrow(/PORT:[\s\S]*BCRYPT_COST:/);
  });

  describe('in production', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_KEY_ENCRYPTION_SECRET: STRONG_B,
      JWT_ACCESS_SECRET: STRONG_A,
      JWT_REFRESH_SECRET: STRONG_B,
      SECURITY_EVENTS_HMAC_SECRET: STRONG_C,
      SYNC_TOKEN_SECRET: STRONG_C,
      MAIL_ENCRYPTION_KEY: 'ab'.repeat(32),
      DATABASE_URL: 'postgres://tasknest@db.internal:5432/tasknest',
    };

    it('starts with strong, distinct secrets and cost >= 10', () => {
      expect(loadConfig({ ...production, DATA_DIR: dataDir }).bcryptCost).toBe(12);
    });

    it('requires the key encryption secret, and no JWT secrets (the key ring makes its own)', () => {
      expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir })).toThrow(/JWT_KEY_ENCRYPTION_SECRET: required/);
      expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, JWT_KEY_ENCRYPTION_SECRET: 'short' })).toThrow(/JWT_KEY_ENCRYPTION_SECRET: must be at least 32/);
      expect(
        loadConfig({ ...production, DATA_DIR: dataDir, JWT_ACCESS_SECRET: undefined, JWT_REFRESH_SECRET: undefined }).jwt.accessSecret,
      ).toBeNull();
    });

    it('refuses short or placeholder secrets', () => {
      expect(() => loadConfig({ ...production, DATA_DIR: dataDir, JWT_ACCESS_SECRET: 'short' })).toThrow(/JWT_ACCESS_SECRET: must be at least 32/);
      expect(() => loadConfig({ ...production, DATA_DIR: dataDir, JWT_REFRESH_SECRET: 'change-me-change-me-change-me-change-me' })).toThrow(
        /JWT_REFRESH_SECRET: looks like a placeholder/,
      );
    });

    it('refuses the same secret for both keys', () => {
      expect(() => loadConfig({ ...production, DATA_DIR: dataDir, JWT_REFRESH_SECRET: STRONG_A })).toThrow(/must differ/);
    });

    it('refuses a missing SECURITY_EVENTS_HMAC_SECRET instead of generating it', () => {
      expect(() => loadConfig({ ...production, DATA_DIR: dataDir, SECURITY_EVENTS_HMAC_SECRET: undefined })).toThrow(/SECURITY_EVENTS_HMAC_SECRET: required/);
    });

    it('refuses a missing SYNC_TOKEN_SECRET instead of generating it', () => {
      const { SYNC_TOKEN_SECRET: _omitted, ...withoutSyncSecret } = production;
      expect(() => loadConfig({ ...withoutSyncSecret, DATA_DIR: dataDir })).toThrow(/SYNC_TOKEN_SECRET: required/);
    });

    it('refuses to run without MAIL_ENCRYPTION_KEY instead of generating one', () => {
      expect(() => loadConfig({ ...production, DATA_DIR: dataDir, MAIL_ENCRYPTION_KEY: undefined })).toThrow(/MAIL_ENCRYPTION_KEY: required/);
    });

    it('refuses the embedded database unless ALLOW_EMBEDDED_DATABASE=true', () => {
      expect(() => loadConfig({ ...production, DATA_DIR: dataDir, DATABASE_URL: undefined })).toThrow(/ALLOW_EMBEDDED_DATABASE: NODE_ENV=production needs DATABASE_URL/);
      expect(loadConfig({ ...production, DATA_DIR: dataDir, DATABASE_URL: undefined, ALLOW_EMBEDDED_DATABASE: 'true' }).databaseUrl).toBeNull();
    });

    it('refuses BCRYPT_COST below 10', () => {
      expect(() => loadConfig({ ...production, DATA_DIR: dataDir, BCRYPT_COST: '9' })).toThrow(ConfigError);
    });
  });

  it('turns metrics on only when METRICS_PORT is set, on 127.0.0.1 by default', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).metrics).toEqual({ port: null, host: '127.0.0.1' });
    expect(loadConfig({ DATA_DIR: dataDir, METRICS_PORT: '' }).metrics.port).toBeNull();
    expect(loadConfig({ DATA_DIR: dataDir, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }).metrics).toEqual({ port: 9464, host: '0.0.0.0' });
    expect(() => loadConfig({ DATA_DIR: dataDir, METRICS_PORT: '70000' })).toThrow(/METRICS_PORT:/);
  });

  it('generates the security-events HMAC secret once outside production and keeps it in DATA_DIR', () => {
    const first = loadConfig({ DATA_DIR: dataDir }).securityEvents.hmacSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(loadConfig({ DATA_DIR: dataDir }).securityEvents.hmacSecret).toBe(first);
  });

  it('parses TRUST_PROXY', () => {
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ DATA_DIR: dataDir, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });
});
