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
    readonly accessSecret: string;
    readonly refreshSecret: string;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTtlSeconds: number;
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

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }
}
