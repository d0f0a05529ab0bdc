import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { TokenSigner } from './token-signer.js';

const TOKEN = /^v1\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{22})$/;

/**
 * Sync tokens of the changes feed (and event ids of the stream): a position in one user's change
 * sequence, HMAC-signed together with the user's id, so a token is worthless to anyone else and
 * cannot be edited. Clients treat them as opaque.
 */
@Injectable()
export class ChangeTokens {
  private readonly signer: TokenSigner;

  constructor(config: AppConfig) {
    this.signer = new TokenSigner(config.syncTokenSecret, 'tasknest task change tokens');
  }

  encode(ownerId: string, seq: number): string {
    return `v1.${seq.toString(36)}.${this.signer.sign(`${ownerId}:${seq}`)}`;
  }

  /** The position a token stands for, or null when it is malformed, tampered with or another user's. */
  decode(ownerId: string, token: string): number | null {
    const match = TOKEN.exec(token);
    if (!match) return null;
    const seq = parseInt(match[1], 36);
    if (!Number.isSafeInteger(seq)) return null;
    return this.signer.verify(`${ownerId}:${seq}`, match[2]) ? seq : null;
  }
}
