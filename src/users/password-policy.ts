import { dictionary } from '@zxcvbn-ts/language-common';

export const PASSWORD_MIN_CHARACTERS = 8;
export const PASSWORD_MAX_CHARACTERS = 128;

const COMMON_PASSWORDS = new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));

/** Counts Unicode code points, not UTF-16 units or bytes. */
export function passwordLength(password: string): number {
  return [...password].length;
}

/** Returns why a new password is not acceptable, or null. Never trims: every character counts. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'must be a string';
  const length = passwordLength(password);
  if (length < PASSWORD_MIN_CHARACTERS) return `must be at least ${PASSWORD_MIN_CHARACTERS} characters`;
  if (length > PASSWORD_MAX_CHARACTERS) return `must be at most ${PASSWORD_MAX_CHARACTERS} characters`;
  if (/^\s*$/u.test(password)) return 'must not be only whitespace';
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return 'is too common; choose a less guessable password';
  return null;
}
