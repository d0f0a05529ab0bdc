import type { KeyObject } from 'node:crypto';
import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ApiProblem } from '../common/problem/api-problem.js';
import { AppConfig } from '../config/app-config.js';
import { keyObjects } from './signing-keys/key-material.js';
import type { KeyPurpose, KeyState, SigningAlgorithm } from './signing-keys/signing-key.entity.js';
import { type KeyChange, type OpenedKey, SigningKeysService } from './signing-keys/signing-keys.service.js';

interface RingKey {
  kid: string;
  purpose: KeyPurpose;
  algorithm: SigningAlgorithm;
  state: KeyState;
  legacy: boolean;
  /** Epoch ms; null while next or current. */
  verifyUntil: number | null;
  createdAt: number;
  activatedAt: number | null;
  signing: KeyObject;
  verifying: KeyObject;
  publicJwk: Record<string, unknown> | null;
}

export interface SigningKeyInUse {
  kid: string;
  algorithm: SigningAlgorithm;
  key: KeyObject;
}

export interface Jwks {
  keys: Record<string, unknown>[];
}

/** Header parameters that point at or carry a key: the key is always ours, picked by kid. */
const FOREIGN_KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'x5t', 'x5t#S256'];

function headerOf(token: string): Record<string, unknown> | null {
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8'));
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? (header as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The signing keys in memory, picked by kid with no database round-trip per request. Reloaded
 * every JWT_KEY_POLL_INTERVAL (so a revocation elsewhere reaches this instance within it), and at
 * once after a change made here; the same pass rotates the rings when they are due.
 * jsonwebtoken gets KeyObjects: given a string it tries createPublicKey() on every verify (~20 % CPU).
 */
@Injectable()
export class JwtKeys implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JwtKeys.name);
  private byKid = new Map<string, RingKey>();
  private current = new Map<KeyPurpose, RingKey>();
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;

  constructor(
    private readonly store: SigningKeysService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.store.encrypting) this.logger.warn('JWT_KEY_ENCRYPTION_SECRET is not set: private signing keys are stored unencrypted in the database');
    this.logChanges(await this.store.ensureRings());
    await this.reload();
    this.schedule();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass;
  }

  signingKey(purpose: KeyPurpose): SigningKeyInUse {
    const key = this.current.get(purpose);
    if (!key) throw new Error(`no current ${purpose} signing key`);
    return { kid: key.kid, algorithm: key.algorithm, key: key.signing };
  }

  /**
   * The key that may verify this token, or null: its kid names a live key of this ring (a token
   * without kid: the imported legacy key), its alg is that key's, and it points at no other key.
   */
  verificationKey(purpose: KeyPurpose, token: string): KeyObject | null {
    const header = headerOf(token);
    if (!header || FOREIGN_KEY_HEADERS.some((name) => name in header)) return null;
    const key = header.kid === undefined ? this.legacyKey(purpose) : typeof header.kid === 'string' ? this.byKid.get(header.kid) : undefined;
    if (!key || key.purpose !== purpose || header.alg !== key.algorithm) return null;
    if (key.verifyUntil !== null && key.verifyUntil <= Date.now()) return null;
    return key.verifying;
  }

  /** The public access keys (next, current, previous) of an asymmetric algorithm; 404 while HMAC is all there is. */
  jwks(): Jwks {
    const keys = [...this.byKid.values()]
      .filter((key) => key.purpose === 'access' && key.publicJwk !== null && (key.verifyUntil === null || key.verifyUntil > Date.now()))
      .map((key) => key.publicJwk ?? {});
    if (keys.length === 0) throw ApiProblem.notFound('Access tokens are signed with HS256 (a shared secret): there are no public keys to publish.');
    return { keys };
  }

  /** Rotates one ring now (the same as `npm run keys -- rotate`), effective here at once. */
  async rotate(purpose: KeyPurpose): Promise<KeyChange[]> {
    const changes = await this.store.rotate(purpose);
    this.logChanges(changes);
    await this.reload();
    return changes;
  }

  /** Revokes a key (the same as `npm run keys -- revoke`): its tokens are refused here at once. */
  async revoke(kid: string): Promise<KeyChange[] | null> {
    const changes = await this.store.revoke(kid);
    if (changes) this.logChanges(changes);
    await this.reload();
    return changes;
  }

  /** Reads the rings again; key objects already known are kept, so a poll decrypts only new keys. */
  async reload(): Promise<void> {
    const live = await this.store.loadLive();
    const byKid = new Map<string, RingKey>();
    const current = new Map<KeyPurpose, RingKey>();
    for (const opened of live) {
      const key = this.toRingKey(opened);
      byKid.set(key.kid, key);
      if (key.state === 'current') current.set(key.purpose, key);
    }
    this.byKid = byKid;
    this.current = current;
  }

  private legacyKey(purpose: KeyPurpose): RingKey | undefined {
    return [...this.byKid.values()].find((key) => key.legacy && key.purpose === purpose);
  }

  private toRingKey(opened: OpenedKey): RingKey {
    const known = this.byKid.get(opened.kid);
    const objects = known ? { signing: known.signing, verifying: known.verifying } : keyObjects(opened.algorithm, opened.secret);
    return {
      kid: opened.kid,
      purpose: opened.purpose,
      algorithm: opened.algorithm,
      state: opened.state,
      legacy: opened.legacy,
      verifyUntil: opened.verifyUntil?.getTime() ?? null,
      createdAt: opened.createdAt.getTime(),
      activatedAt: opened.activatedAt?.getTime() ?? null,
      publicJwk: opened.publicJwk,
      ...objects,
    };
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.pass = this.poll().finally(() => {
        this.pass = null;
        if (this.timer) this.schedule();
      });
    }, this.config.jwt.keyPollIntervalMs);
    this.timer.unref();
  }

  /** One SELECT per pass; the lock is taken only when the keys in memory say something is due. */
  private async poll(): Promise<void> {
    try {
      await this.reload();
      if (!this.somethingDue(Date.now())) return;
      this.logChanges(await this.store.rotateDue());
      await this.reload();
    } catch (error) {
      // The keys in memory keep working; the next pass tries again.
      this.logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'Signing key ring refresh failed');
    }
  }

  private somethingDue(now: number): boolean {
    const interval = this.config.jwt.keyRotationIntervalSeconds * 1000;
    return [...this.byKid.values()].some(
      (key) =>
        (key.state === 'previous' && key.verifyUntil !== null && key.verifyUntil <= now) ||
        (key.state === 'current' && interval > 0 && (key.activatedAt ?? 0) + interval <= now),
    );
  }

  private logChanges(changes: KeyChange[]): void {
    for (const change of changes) this.logger.log({ event: 'signing_key.changed', ...change }, `signing key ${change.kid} (${change.purpose}): ${change.from} → ${change.to}`);
  }
}
