import { timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, LessThanOrEqual } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { generateKey, KeySealer, newKid } from './key-material.js';
import { type KeyPurpose, type KeyState, SigningKey, type SigningAlgorithm } from './signing-key.entity.js';

export const KEY_PURPOSES: readonly KeyPurpose[] = ['access', 'refresh'];
/** A key verifies this long past the expiry of the last token it signed (clock skew, requests in flight). */
const VERIFY_SLACK_SECONDS = 60;
/** How long a JWKS client may cache the document; a next key is published at least this long before it signs. */
export const JWKS_MAX_AGE_SECONDS = 300;
/** Every change to the rings happens under this one lock, so concurrent instances (and the CLI) never race. */
const RING_LOCK_ID = 7_215_372_015;
const LIVE_STATES: KeyState[] = ['next', 'current', 'previous'];

export interface OpenedKey {
  kid: string;
  purpose: KeyPurpose;
  algorithm: SigningAlgorithm;
  state: KeyState;
  legacy: boolean;
  secret: Buffer;
  publicJwk: Record<string, unknown> | null;
  verifyUntil: Date | null;
  createdAt: Date;
  activatedAt: Date | null;
}

export interface KeyChange {
  kid: string;
  purpose: KeyPurpose;
  from: KeyState;
  to: KeyState;
}

/**
 * The key rings in the database: creating, importing, rotating, revoking, retiring. Shared by
 * the application (JwtKeys keeps the result in memory) and `npm run keys`.
 */
@Injectable()
export class SigningKeysService {
  private readonly sealer: KeySealer;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {
    this.sealer = new KeySealer(config.jwt.keyEncryptionSecret);
  }

  get encrypting(): boolean {
    return this.sealer.encrypting;
  }

  /** Access tokens use JWT_ALGORITHM; refresh tokens never leave tasknest and stay HMAC (deterministic bytes). */
  algorithmFor(purpose: KeyPurpose): SigningAlgorithm {
    return purpose === 'access' ? this.config.jwt.algorithm : 'HS256';
  }

  /**
   * At start: imports JWT_ACCESS_SECRET / JWT_REFRESH_SECRET once, makes sure each ring has a
   * current key of the configured algorithm and a published next key, and retires what expired.
   */
  async ensureRings(now = new Date()): Promise<KeyChange[]> {
    return this.locked(async (manager) => {
      const changes: KeyChange[] = [];
      for (const purpose of KEY_PURPOSES) {
        const imported = purpose === 'access' ? this.config.jwt.accessSecret : this.config.jwt.refreshSecret;
        if (imported) changes.push(...(await this.importLegacy(manager, purpose, Buffer.from(imported, 'utf8'), now)));
        const current = await this.findOne(manager, purpose, 'current');
        if (!current || current.algorithm !== this.algorithmFor(purpose)) changes.push(...(await this.rotateLocked(manager, purpose, now)));
        else if (!(await this.findOne(manager, purpose, 'next'))) await this.insert(manager, purpose, 'next', now);
      }
      changes.push(...(await this.retireLocked(manager, now)));
      return changes;
    });
  }

  /** next → current, current → previous, a new next. */
  async rotate(purpose: KeyPurpose, now = new Date()): Promise<KeyChange[]> {
    return this.locked((manager) => this.rotateLocked(manager, purpose, now));
  }

  /**
   * Rotates the rings whose current key is older than JWT_KEY_ROTATION_INTERVAL and retires expired
   * previous keys. Checked again under the lock, so of several instances only the first rotates.
   */
  async rotateDue(now = new Date()): Promise<KeyChange[]> {
    const interval = this.config.jwt.keyRotationIntervalSeconds;
    return this.locked(async (manager) => {
      const changes: KeyChange[] = [];
      for (const purpose of interval > 0 ? KEY_PURPOSES : []) {
        const current = await this.findOne(manager, purpose, 'current');
        const next = await this.findOne(manager, purpose, 'next');
        const due = !current?.activatedAt || current.activatedAt.getTime() + interval * 1000 <= now.getTime();
        // The next key must have been in the JWKS for a whole cache lifetime before it signs.
        const published = !next || next.createdAt.getTime() + JWKS_MAX_AGE_SECONDS * 1000 <= now.getTime();
        if (due && published) changes.push(...(await this.rotateLocked(manager, purpose, now)));
      }
      changes.push(...(await this.retireLocked(manager, now)));
      return changes;
    });
  }

  /** Revoked keys verify nothing. A revoked current key is replaced at once by the next one. */
  async revoke(kid: string, now = new Date()): Promise<KeyChange[] | null> {
    return this.locked(async (manager) => {
      const key = await manager.findOneBy(SigningKey, { kid });
      if (!key) return null;
      if (key.state === 'revoked') return [];
      await manager.update(SigningKey, { kid }, { state: 'revoked', revokedAt: now });
      const changes: KeyChange[] = [{ kid, purpose: key.purpose, from: key.state, to: 'revoked' }];
      if (key.state === 'current') changes.push(...(await this.rotateLocked(manager, key.purpose, now)));
      else if (key.state === 'next') await this.insert(manager, key.purpose, 'next', now);
      return changes;
    });
  }

  list(): Promise<SigningKey[]> {
    return this.dataSource.getRepository(SigningKey).find({ order: { purpose: 'ASC', createdAt: 'ASC' } });
  }

  /** The keys that may sign or verify, private parts decrypted. */
  async loadLive(): Promise<OpenedKey[]> {
    const rows = await this.dataSource.getRepository(SigningKey).findBy({ state: In(LIVE_STATES) });
    return rows.map((row) => ({
      kid: row.kid,
      purpose: row.purpose,
      algorithm: row.algorithm,
      state: row.state,
      legacy: row.legacy,
      secret: this.sealer.open(row.kid, row.privateKey),
      publicJwk: row.publicJwk,
      verifyUntil: row.verifyUntil,
      createdAt: row.createdAt,
      activatedAt: row.activatedAt,
    }));
  }

  private async rotateLocked(manager: EntityManager, purpose: KeyPurpose, now: Date): Promise<KeyChange[]> {
    const changes: KeyChange[] = [];
    const current = await this.findOne(manager, purpose, 'current');
    if (current) {
      await manager.update(SigningKey, { kid: current.kid }, { state: 'previous', deactivatedAt: now, verifyUntil: this.verifyUntil(purpose, now) });
      changes.push({ kid: current.kid, purpose, from: 'current', to: 'previous' });
    }
    const next = await this.findOne(manager, purpose, 'next');
    if (next && next.algorithm === this.algorithmFor(purpose)) {
      await manager.update(SigningKey, { kid: next.kid }, { state: 'current', activatedAt: now });
      changes.push({ kid: next.kid, purpose, from: 'next', to: 'current' });
    } else {
      // A next key of another algorithm (JWT_ALGORITHM changed) never signs.
      if (next) await manager.update(SigningKey, { kid: next.kid }, { state: 'retired', deactivatedAt: now });
      const kid = await this.insert(manager, purpose, 'current', now);
      changes.push({ kid, purpose, from: 'next', to: 'current' });
    }
    await this.insert(manager, purpose, 'next', now);
    return changes;
  }

  private async retireLocked(manager: EntityManager, now: Date): Promise<KeyChange[]> {
    const expired = await manager.findBy(SigningKey, { state: 'previous', verifyUntil: LessThanOrEqual(now) });
    if (expired.length > 0) await manager.update(SigningKey, { kid: In(expired.map((key) => key.kid)) }, { state: 'retired' });
    return expired.map((key) => ({ kid: key.kid, purpose: key.purpose, from: 'previous', to: 'retired' }));
  }

  /** Once per secret: a key with these bytes already in the ring, whatever its state, is not imported again. */
  private async importLegacy(manager: EntityManager, purpose: KeyPurpose, secret: Buffer, now: Date): Promise<KeyChange[]> {
    const legacy = await manager.findBy(SigningKey, { purpose, legacy: true });
    const known = legacy.some((row) => {
      const stored = this.sealer.open(row.kid, row.privateKey);
      return stored.length === secret.length && timingSafeEqual(stored, secret);
    });
    if (known) return [];
    const kid = newKid();
    const current = await this.findOne(manager, purpose, 'current');
    // The imported secret signs only if nothing else does yet and HMAC is the configured algorithm.
    const signs = !current && this.algorithmFor(purpose) === 'HS256';
    await manager.insert(SigningKey, {
      kid,
      purpose,
      algorithm: 'HS256',
      state: signs ? 'current' : 'previous',
      publicJwk: null,
      privateKey: this.sealer.seal(kid, secret),
      legacy: true,
      createdAt: now,
      activatedAt: now,
      deactivatedAt: signs ? null : now,
      verifyUntil: signs ? null : this.verifyUntil(purpose, now),
      revokedAt: null,
    });
    return [{ kid, purpose, from: 'next', to: signs ? 'current' : 'previous' }];
  }

  private async insert(manager: EntityManager, purpose: KeyPurpose, state: 'next' | 'current', now: Date): Promise<string> {
    const kid = newKid();
    const algorithm = this.algorithmFor(purpose);
    const generated = generateKey(algorithm);
    await manager.insert(SigningKey, {
      kid,
      purpose,
      algorithm,
      state,
      publicJwk: generated.publicJwk ? { ...generated.publicJwk, kid, alg: algorithm, use: 'sig' } : null,
      privateKey: this.sealer.seal(kid, generated.secret),
      legacy: false,
      createdAt: now,
      activatedAt: state === 'current' ? now : null,
      deactivatedAt: null,
      verifyUntil: null,
      revokedAt: null,
    });
    return kid;
  }

  private findOne(manager: EntityManager, purpose: KeyPurpose, state: KeyState): Promise<SigningKey | null> {
    return manager.findOne(SigningKey, { where: { purpose, state }, order: { createdAt: 'DESC' } });
  }

  /** The last token signed now expires after its lifetime: an access token's TTL, a refresh token's session max age. */
  private verifyUntil(purpose: KeyPurpose, now: Date): Date {
    const lifetime = purpose === 'access' ? this.config.jwt.accessTtlSeconds : this.config.session.maxAgeSeconds;
    return new Date(now.getTime() + (lifetime + VERIFY_SLACK_SECONDS) * 1000);
  }

  private locked<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [RING_LOCK_ID]);
      return work(manager);
    });
  }
}
