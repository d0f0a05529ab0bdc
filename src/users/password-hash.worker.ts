import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';

/** What the main thread asks a hashing thread to do. */
export type PasswordHashTask = { op: 'hash'; password: string; cost: number } | { op: 'verify'; password: string; hash: string };

/**
 * bcrypt reads only the first 72 bytes of its input, so the password is first reduced to a
 * fixed 44-byte SHA-256 digest (base64): every byte of a 128-character password counts.
 */
function prehash(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}

/** Runs inside a piscina worker thread: bcrypt is pure JS and would otherwise block the event loop. */
export default function runPasswordHashTask(task: PasswordHashTask): string | boolean {
  if (task.op === 'hash') return bcrypt.hashSync(prehash(task.password), task.cost);
  return bcrypt.compareSync(prehash(task.password), task.hash);
}
