import { createHash } from 'node:crypto';
import { setPriority } from 'node:os';
import bcrypt from 'bcryptjs';

/**
 * On Linux the nice value belongs to the thread: this lowers only this hashing thread, so when the
 * cores are busy the scheduler serves the event loop (API requests) before a login's bcrypt work.
 * Elsewhere it would renice the whole process, so it is left alone there.
 */
const HASHING_THREAD_NICE = 10;
if (process.platform === 'linux') setPriority(HASHING_THREAD_NICE);

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
