import { createHmac, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

const TOKEN = /^v1\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

/**
 * Sync tokens of the changes feed (and event ids of the stream): a position in one user's change
 * sequence, HMAC-signed together with the user's id, so a token is worthless to anyone else and
 * cannot be edited. Clients treat them as opaque.
 */
@Injectable()
export class ChangeTokens {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    this.key = createHmac('sha256', config.syncTokenSecret).update('tasknest task change tokens').digest();
  }

  encode(ownerId: string, seq: number): string {
    return `v1.${seq.toString(36)}.${this.signature(ownerId, seq).toString('base64url')}`;
  }

  /** The position a token stands for, or null when it is malformed, tampered with or another user's. */
  decode(ownerId: string, token: string): number | null {
    const match = TOKEN.exec(token);
    if (!match) return null;
    const seq = parseInt(match[1], 36);
    if (!Number.isSafeInteger(seq)) return null;
    const given = Buffer.from(match[2], 'base64url');
    const expected = this.signature(ownerId, seq);
    return given.length === expected.length && timingSafeEqual(given, expected) ? seq : null;
  }

  private signature(ownerId: string, seq: number): Buffer {
    return createHmac('sha256', this.key).update(`${ownerId}:${seq}`).digest().subarray(0, 16);
  }
}
