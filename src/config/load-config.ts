import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { AppConfig, type TrustProxySetting } from './app-config.js';
import { parseDurationMilliseconds, parseDurationSeconds } from './duration.js';
import { loadDevSecrets, loadOrCreateDevMailKey, loadOrCreateDevSecret } from './dev-secrets.js';

export type Environment = Record<string, string | undefined>;

const MIN_SECRET_LENGTH = 32;
const PLACEHOLDER_SECRET = /change|secret|example|placeholder|todo/i;

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((raw, ctx) => {
      const seconds = parseDurationSeconds(raw);
      if (seconds === null) {
        ctx.addIssue({ code: 'custom', message: `"${raw}" is not a duration (use 900, 10s, 15m, 12h or 7d)` });
        return z.NEVER;
      }
      return seconds;
    });

const durationMs = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((raw, ctx) => {
      const milliseconds = parseDurationMilliseconds(raw);
      if (milliseconds === null) {
        ctx.addIssue({ code: 'custom', message: `"${raw}" is not a duration (use 2, 250ms, 2s or 1m)` });
        return z.NEVER;
      }
      return milliseconds;
    });

const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .default(String(fallback))
    .refine((raw) => /^\d+$/.test(raw.trim()), 'must be a whole number')
    .transform((raw) => Number(raw))
    .pipe(z.number().int().min(min).max(max));

const boolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((raw) => raw === 'true' || raw === '1');

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((raw) => (raw ? raw : null))
  .refine((raw) => raw === null || URL.canParse(raw), 'must be a URL');

/** 32 bytes written as 64 hex characters or as base64 (standard or URL-safe). */
function parseKey32(raw: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(raw)) return Buffer.from(raw, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(raw)) return null;
  const key = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === 32 ? key : null;
}

function parseTrustProxy(raw: string | undefined): TrustProxySetting {
  if (raw === undefined || raw.trim() === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  return raw.split(',').map((entry) => entry.trim()).filter(Boolean);
}

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: integer(3000, 0, 65535),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: optionalUrl,
  DATABASE_POOL_SIZE: integer(10, 1, 200),
  DATA_DIR: z.string().default('./data'),
  ALLOW_EMBEDDED_DATABASE: boolean(false),
  REDIS_URL: optionalUrl,
  JWT_ACCESS_SECRET: z.string().optional(),
  JWT_REFRESH_SECRET: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default('tasknest'),
  JWT_AUDIENCE: z.string().min(1).default('tasknest-api'),
  JWT_ACCESS_TTL: duration('15m').pipe(z.number().min(1)),
  JWT_ALGORITHM: z.enum(['HS256', 'ES256', 'RS256']).default('HS256'),
  JWT_KEY_ENCRYPTION_SECRET: z.string().optional(),
  JWT_KEY_ROTATION_INTERVAL: duration('30d'),
  // Capped at 10 s: a key revoked on one instance is refused by every other within 10 s.
  JWT_KEY_POLL_INTERVAL: durationMs('5s').pipe(z.number().min(10).max(10_000)),
  SESSION_IDLE_TTL: duration('7d').pipe(z.number().min(1)),
  SESSION_MAX_AGE: duration('30d').pipe(z.number().min(1)),
  REFRESH_REUSE_GRACE: duration('10s'),
  BCRYPT_COST: integer(12, 4, 15),
  PASSWORD_HASH_THREADS: integer(availableParallelism(), 1, 256),
  PASSWORD_HASH_QUEUE_MAX: integer(64, 1, 100_000),
  SHUTDOWN_TIMEOUT: duration('10s').pipe(z.number().min(1)),
  REQUEST_TIMEOUT: duration('30s').pipe(z.number().min(1)),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((raw) => raw.split(',').map((origin) => origin.trim()).filter(Boolean)),
  RATE_LIMIT_AUTH_PER_MIN: integer(20, 1, 1_000_000),
  RATE_LIMIT_PER_MIN: integer(600, 1, 10_000_000),
  RATE_LIMIT_REDIS_PREFIX: z.string().min(1).max(100).default('tasknest:rate-limit:'),
  TRUST_PROXY: z.string().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  APP_URL: z.url().default('http://localhost:3000'),
  SMTP_URL: optionalUrl,
  MAIL_FROM: z.string().min(3).default('tasknest <no-reply@tasknest.local>'),
  PASSWORD_RESET_TTL: duration('30m').pipe(z.number().min(1)),
  EMAIL_VERIFY_TTL: duration('2d').pipe(z.number().min(1)),
  REQUIRE_VERIFIED_EMAIL: boolean(false),
  MAIL_PER_ADDRESS_PER_HOUR: integer(5, 0, 10_000),
  MAIL_POLL_INTERVAL: durationMs('2s').pipe(z.number().min(10).max(3_600_000)),
  TASK_TOMBSTONE_TTL: duration('30d').pipe(z.number().min(1)),
  SECURITY_EVENTS_HMAC_SECRET: z.string().optional(),
  SYNC_TOKEN_SECRET: z.string().optional(),
  METRICS_PORT: z
    .string()
    .optional()
    .transform((raw) => raw?.trim() || undefined)
    .pipe(z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(0).max(65535)).optional()),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  MAIL_ENCRYPTION_KEY: z
    .string()
    .trim()
    .optional()
    .transform((raw, ctx) => {
      if (!raw) return null;
      const key = parseKey32(raw);
      if (!key) {
        ctx.addIssue({ code: 'custom', message: 'must be 32 bytes, as 64 hex characters or base64' });
        return z.NEVER;
      }
      return key;
    }),
});

export class ConfigError extends Error {}

function secretProblems(name: string, value: string | undefined, required = true): string[] {
  if (!value) return required ? [`${name}: required when NODE_ENV=production`] : [];
  const problems: string[] = [];
  if (value.length < MIN_SECRET_LENGTH) problems.push(`${name}: must be at least ${MIN_SECRET_LENGTH} characters`);
  if (PLACEHOLDER_SECRET.test(value)) problems.push(`${name}: looks like a placeholder, generate a random one`);
  return problems;
}

/**
 * The only reader of the environment. Throws a ConfigError naming every bad variable.
 * JWT secrets are optional (the key ring lives in the database); when set, or found in an older
 * DATA_DIR/jwt-secrets.json, they are imported into it once.
 */
export function loadConfig(env: Environment = process.env): AppConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const values = parsed.data;
  const production = values.NODE_ENV === 'production';
  if (production) {
    const problems = [
      ...secretProblems('SECURITY_EVENTS_HMAC_SECRET', values.SECURITY_EVENTS_HMAC_SECRET),
      ...secretProblems('SYNC_TOKEN_SECRET', values.SYNC_TOKEN_SECRET),
      ...secretProblems('JWT_KEY_ENCRYPTION_SECRET', values.JWT_KEY_ENCRYPTION_SECRET),
      ...secretProblems('JWT_ACCESS_SECRET', values.JWT_ACCESS_SECRET, false),
      ...secretProblems('JWT_REFRESH_SECRET', values.JWT_REFRESH_SECRET, false),
      ...(values.BCRYPT_COST < 10 ? ['BCRYPT_COST: must be at least 10 when NODE_ENV=production'] : []),
      ...(values.DATABASE_URL || values.ALLOW_EMBEDDED_DATABASE
        ? []
        : ['ALLOW_EMBEDDED_DATABASE: NODE_ENV=production needs DATABASE_URL; set ALLOW_EMBEDDED_DATABASE=true to run on the embedded database anyway']),
      ...(values.MAIL_ENCRYPTION_KEY ? [] : ['MAIL_ENCRYPTION_KEY: required when NODE_ENV=production (32 bytes: `openssl rand -hex 32`)']),
      ...(values.JWT_ACCESS_SECRET && values.JWT_ACCESS_SECRET === values.JWT_REFRESH_SECRET
        ? ['JWT_REFRESH_SECRET: must differ from JWT_ACCESS_SECRET']
        : []),
    ];
    if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const generated = values.JWT_ACCESS_SECRET && values.JWT_REFRESH_SECRET ? null : loadDevSecrets(values.DATA_DIR);

  return new AppConfig({
    nodeEnv: values.NODE_ENV,
    port: values.PORT,
    host: values.HOST,
    databaseUrl: values.DATABASE_URL,
    databasePoolSize: values.DATABASE_POOL_SIZE,
    dataDir: values.DATA_DIR,
    redisUrl: values.REDIS_URL,
    jwt: {
      accessSecret: values.JWT_ACCESS_SECRET || generated?.accessSecret || null,
      refreshSecret: values.JWT_REFRESH_SECRET || generated?.refreshSecret || null,
      issuer: values.JWT_ISSUER,
      audience: values.JWT_AUDIENCE,
      accessTtlSeconds: values.JWT_ACCESS_TTL,
      algorithm: values.JWT_ALGORITHM,
      keyEncryptionSecret: values.JWT_KEY_ENCRYPTION_SECRET || null,
      keyRotationIntervalSeconds: values.JWT_KEY_ROTATION_INTERVAL,
      keyPollIntervalMs: values.JWT_KEY_POLL_INTERVAL,
    },
    session: {
      idleTtlSeconds: values.SESSION_IDLE_TTL,
      maxAgeSeconds: values.SESSION_MAX_AGE,
      refreshReuseGraceSeconds: values.REFRESH_REUSE_GRACE,
    },
    bcryptCost: values.BCRYPT_COST,
    passwordHashing: { threads: values.PASSWORD_HASH_THREADS, queueMax: values.PASSWORD_HASH_QUEUE_MAX },
    shutdownTimeoutSeconds: values.SHUTDOWN_TIMEOUT,
    requestTimeoutSeconds: values.REQUEST_TIMEOUT,
    corsOrigins: values.CORS_ORIGINS,
    rateLimit: { authPerMinute: values.RATE_LIMIT_AUTH_PER_MIN, perMinute: values.RATE_LIMIT_PER_MIN, redisPrefix: values.RATE_LIMIT_REDIS_PREFIX },
    trustProxy: parseTrustProxy(values.TRUST_PROXY),
    logLevel: values.LOG_LEVEL,
    appUrl: values.APP_URL.replace(/\/+$/, ''),
    mail: {
      smtpUrl: values.SMTP_URL,
      from: values.MAIL_FROM,
      passwordResetTtlSeconds: values.PASSWORD_RESET_TTL,
      emailVerifyTtlSeconds: values.EMAIL_VERIFY_TTL,
      requireVerifiedEmail: values.REQUIRE_VERIFIED_EMAIL,
      perAddressPerHour: values.MAIL_PER_ADDRESS_PER_HOUR,
      pollIntervalMs: values.MAIL_POLL_INTERVAL,
      encryptionKey: values.MAIL_ENCRYPTION_KEY ?? loadOrCreateDevMailKey(values.DATA_DIR),
    },
    taskTombstoneTtlSeconds: values.TASK_TOMBSTONE_TTL,
    securityEvents: { hmacSecret: values.SECURITY_EVENTS_HMAC_SECRET ?? loadOrCreateDevSecret(values.DATA_DIR, 'security-events-hmac') },
    syncTokenSecret: values.SYNC_TOKEN_SECRET ?? loadOrCreateDevSecret(values.DATA_DIR, 'sync-token'),
    metrics: { port: values.METRICS_PORT ?? null, host: values.METRICS_HOST },
  });
}
