import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Marks the stored form, so a future key or format can be told apart. */
const PREFIX = 'v1:';

/** Which body of which mail: bound into the ciphertext, so a body cannot be moved to another row or part. */
export interface MailBodyContext {
  recipient: string;
  part: 'text' | 'html';
}

const additionalData = (context: MailBodyContext) => Buffer.from(`${context.part}:${context.recipient}`, 'utf8');

/**
 * Mail bodies wait in `mail_outbox` with single-use links in them: stored AES-256-GCM encrypted
 * with MAIL_ENCRYPTION_KEY, as `v1:` + base64(iv | tag | ciphertext), and decrypted at send time.
 */
export function encryptMailBody(key: Buffer, plaintext: string, context: MailBodyContext): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv);
  cipher.setAAD(additionalData(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64');
}

/** Throws when the body was not written with this key (or was tampered with). */
export function decryptMailBody(key: Buffer, stored: string, context: MailBodyContext): string {
  if (!stored.startsWith(PREFIX)) throw new Error('Outbox mail body is not in the encrypted form');
  const packed = Buffer.from(stored.slice(PREFIX.length), 'base64');
  const decipher = createDecipheriv(ALGORITHM, key, packed.subarray(0, IV_BYTES));
  decipher.setAAD(additionalData(context));
  decipher.setAuthTag(packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(packed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('Outbox mail body cannot be decrypted: was MAIL_ENCRYPTION_KEY changed?');
  }
}
