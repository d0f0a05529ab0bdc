export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
/** false: the socket address is the client; true: trust X-Forwarded-For; a list: trust only those proxies (IPs/CIDRs). */
export type TrustProxySetting = boolean | string[];

/** The whole validated configuration. Built only by `loadConfig`; injected by class. */
export class AppConfig {
  readonly nodeEnv: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  /** Null means the embedded PGlite server is started in `dataDir`. */
  readonly databaseUrl: string | null;
  readonly databasePoolSize: number;
  readonly dataDir: string;
  readonly redisUrl: string | null;
  readonly jwt: {
    /** Imported into the key ring once (upgrades from plain HMAC secrets); null: none. */
    readonly accessSecret: string | null;
    readonly refreshSecret: string | null;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTtlSeconds: number;
    /** Access tokens only; refresh tokens are always HS256. */
    readonly algorithm: 'HS256' | 'ES256' | 'RS256';
    /** Encrypts the private keys in `signing_keys`; null (development only): stored unencrypted. */
    readonly keyEncryptionSecret: string | null;
    /** 0: rotate only by hand (`npm run keys -- rotate`). */
    readonly keyRotationIntervalSeconds: number;
    /** How often the ring is read again (revocations elsewhere, due rotations). */
    readonly keyPollIntervalMs: number;
  };
  readonly session: {
    readonly idleTtlSeconds: number;
    readonly maxAgeSeconds: number;
    readonly refreshReuseGraceSeconds: number;
  };
  readonly bcryptCost: number;
  /** bcrypt runs on worker threads; beyond `queueMax` waiting hashes, logins get 503 instead of piling up. */
  readonly passwordHashing: { readonly threads: number; readonly queueMax: number };
  /** After SIGTERM, the process exits by itself at the latest this long after draining began. */
  readonly shutdownTimeoutSeconds: number;
  /** A client must deliver a whole request (headers and body) within this long, or its socket is closed. */
  readonly requestTimeoutSeconds: number;
  readonly corsOrigins: string[];
  readonly rateLimit: {
    readonly authPerMinute: number;
    readonly perMinute: number;
    /** Prefix of the counters' keys in Redis, so several deployments can share one Redis. */
    readonly redisPrefix: string;
  };
  readonly trustProxy: TrustProxySetting;
  readonly logLevel: LogLevel;
  readonly appUrl: string;
  readonly mail: {
    readonly smtpUrl: string | null;
    readonly from: string;
    readonly passwordResetTtlSeconds: number;
    readonly emailVerifyTtlSeconds: number;
    readonly requireVerifiedEmail: boolean;
    readonly perAddressPerHour: number;
    /** How often the outbox sender looks for due mail when nothing woke it. */
    readonly pollIntervalMs: number;
    /** AES-256-GCM key for the bodies waiting in `mail_outbox` (MAIL_ENCRYPTION_KEY, or generated in DATA_DIR outside production). */
    readonly encryptionKey: Buffer;
  };
  /** How long the changes feed keeps deleted tasks' tombstones; older sync tokens get 410. */
  readonly taskTombstoneTtlSeconds: number;
  /** Keys the hash under which an unknown account's typed email is kept in security events. */
  readonly securityEvents: { readonly hmacSecret: string };
  /** Signs the changes feed's sync tokens (change tokens), so they are opaque and bound to their user. */
  readonly syncTokenSecret: string;
  /** `port` null: no metrics listener at all. */
  readonly metrics: { readonly port: number | null; readonly host: string };

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}
