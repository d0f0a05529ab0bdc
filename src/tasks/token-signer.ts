import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 signatures (truncated to 128 bits, base64url) under a sub-key derived from a secret
 * with a label, so tokens signed for one purpose are worthless for another. Shared by the changes
 * feed's sync tokens and the task list's cursors.
 */
export class TokenSigner {
  private readonly key: Buffer;

  constructor(secret: string, label: string) {
    this.key = createHmac('sha256', secret).update(label).digest();
  }

  /** 22 base64url characters. */
  sign(message: string): string {
    return this.digest(message).toString('base64url');
  }

  /** Constant-time check of a signature made by sign(). */
  verify(message: string, signature: string): boolean {
    const given = Buffer.from(signature, 'base64url');
    const expected = this.digest(message);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private digest(message: string): Buffer {
    return createHmac('sha256', this.key).update(message).digest().subarray(0, 16);
  }
}
