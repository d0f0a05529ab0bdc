import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { SigningAlgorithm } from './signing-key.entity.js';

export interface GeneratedKey {
  /** The secret (HMAC) or PKCS#8 DER private key, as stored (after sealing). */
  secret: Buffer;
  publicJwk: Record<string, unknown> | null;
}

/** An opaque, URL-safe key id: it says nothing about the key. */
export const newKid = (): string => randomBytes(12).toString('base64url');

export function generateKey(algorithm: SigningAlgorithm): GeneratedKey {
  if (algorithm === 'HS256') return { secret: randomBytes(32), publicJwk: null };
  const pair =
    algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { secret: pair.privateKey.export({ format: 'der', type: 'pkcs8' }), publicJwk: pair.publicKey.export({ format: 'jwk' }) };
}

export interface KeyObjects {
  signing: KeyObject;
  verifying: KeyObject;
}

export function keyObjects(algorithm: SigningAlgorithm, secret: Buffer): KeyObjects {
  if (algorithm === 'HS256') {
    const key = createSecretKey(secret);
    return { signing: key, verifying: key };
  }
  const signing = createPrivateKey({ key: secret, format: 'der', type: 'pkcs8' });
  return { signing, verifying: createPublicKey(signing) };
}

/**
 * Seals private parts with AES-256-GCM under a key derived (HKDF) from JWT_KEY_ENCRYPTION_SECRET,
 * bound to the kid so a sealed value cannot be moved to another row. Without a secret
 * (development only) the value is stored as `plain.…`.
 */
export class KeySealer {
  private readonly key: Buffer | null;

  constructor(encryptionSecret: string | null) {
    this.key = encryptionSecret
      ? Buffer.from(hkdfSync('sha256', Buffer.from(encryptionSecret, 'utf8'), 'tasknest', 'signing-keys v1', 32))
      : null;
  }

  get encrypting(): boolean {
    return this.key !== null;
  }

  seal(kid: string, secret: Buffer): string {
    if (!this.key) return `plain.${secret.toString('base64url')}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(kid, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(secret), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  open(kid: string, sealed: string): Buffer {
    const [format, ...parts] = sealed.split('.');
    if (format === 'plain' && parts.length === 1) return Buffer.from(parts[0], 'base64url');
    if (format !== 'v1' || parts.length !== 3) throw new Error(`signing key ${kid}: unknown storage format`);
    if (!this.key) throw new Error(`signing key ${kid} is encrypted: set JWT_KEY_ENCRYPTION_SECRET`);
    const [iv, tag, ciphertext] = parts.map((part) => Buffer.from(part, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new Error(`signing key ${kid}: cannot decrypt it with this JWT_KEY_ENCRYPTION_SECRET`);
    }
  }
}
