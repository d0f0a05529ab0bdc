import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type KeyPurpose = 'access' | 'refresh';
export type SigningAlgorithm = 'HS256' | 'ES256' | 'RS256';
export type KeyState = 'next' | 'current' | 'previous' | 'retired' | 'revoked';

/**
 * One signing key of a ring (access or refresh). next → current → previous → retired, or revoked
 * from any state. The private part (the HMAC secret, or the PKCS#8 private key) is encrypted with
 * JWT_KEY_ENCRYPTION_SECRET when that is set.
 */
@Entity({ name: 'signing_keys' })
@Index('signing_keys_purpose_state_idx', ['purpose', 'state'])
// At most one key of a ring signs: the database refuses a second current key whatever the race.
@Index('signing_keys_one_current_idx', ['purpose'], { unique: true, where: `"state" = 'current'` })
export class SigningKey {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  purpose: KeyPurpose;

  @Column({ type: 'varchar', length: 8 })
  algorithm: SigningAlgorithm;

  @Column({ type: 'varchar', length: 16 })
  state: KeyState;

  /** The public JWK (asymmetric keys only). */
  @Column({ name: 'public_jwk', type: 'jsonb', nullable: true })
  publicJwk: Record<string, unknown> | null;

  /** `v1.<iv>.<tag>.<ciphertext>` (AES-256-GCM) or `plain.<base64url>` in development without a secret. */
  @Column({ name: 'private_key', type: 'text' })
  privateKey: string;

  /** Imported from JWT_ACCESS_SECRET / JWT_REFRESH_SECRET: also verifies the tokens made before kids existed. */
  @Column({ type: 'boolean', default: false })
  legacy: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'activated_at', type: 'timestamptz', nullable: true })
  activatedAt: Date | null;

  /** When it stopped signing; it verifies until verifyUntil (its last token's expiry + 60 s). */
  @Column({ name: 'deactivated_at', type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null;

  @Column({ name: 'verify_until', type: 'timestamptz', nullable: true })
  verifyUntil: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
