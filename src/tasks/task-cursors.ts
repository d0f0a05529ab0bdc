import { Injectable } from '@nestjs/common';
import { isUuid } from '../auth/token-claims.js';
import { AppConfig } from '../config/app-config.js';
import type { TaskListFilters, TaskListPosition, TaskSort } from './task.repository.js';
import { TokenSigner } from './token-signer.js';

const CURSOR = /^c1\.([A-Za-z0-9_-]{1,2000})\.([A-Za-z0-9_-]{22})$/;

/** What a cursor is bound to: the user, the sort and every filter (an empty `q` is no filter). */
export interface CursorScope extends TaskListFilters {
  ownerId: string;
  sort: TaskSort;
}

/**
 * Cursors of the task list: the sort key and id of the last task a page showed, HMAC-signed
 * together with the user, the sort and the filters, so a cursor cannot be edited, nor used by
 * another user or with another sort or other filters. Clients treat them as opaque.
 */
@Injectable()
export class TaskCursors {
  private readonly signer: TokenSigner;

  constructor(config: AppConfig) {
    this.signer = new TokenSigner(config.syncTokenSecret, 'tasknest task list cursors');
  }

  encode(scope: CursorScope, position: TaskListPosition): string {
    const payload = Buffer.from(JSON.stringify([position.key, position.id])).toString('base64url');
    return `c1.${payload}.${this.signer.sign(this.message(scope, payload))}`;
  }

  /** The position a cursor stands for, or null when it is malformed, tampered with or made for another scope. */
  decode(scope: CursorScope, cursor: string): TaskListPosition | null {
    const match = CURSOR.exec(cursor);
    if (!match || !this.signer.verify(this.message(scope, match[1]), match[2])) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(match[1], 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [key, id] = parsed as unknown[];
    if ((key !== null && typeof key !== 'string') || typeof id !== 'string' || !isUuid(id)) return null;
    return { key, id };
  }

  private message(scope: CursorScope, payload: string): string {
    const q = scope.q === undefined || scope.q === '' ? null : scope.q;
    return JSON.stringify([scope.ownerId, scope.sort, scope.completed ?? null, scope.priority ?? null, q, payload]);
  }
}
