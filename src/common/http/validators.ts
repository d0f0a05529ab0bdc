import { isEmail, ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';
import type { ProblemFieldError } from '../problem/api-problem.js';

/** May be left out, but not sent as null (for columns that have a default and no null). */
export const OptionalNotNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** fastify turns `?a=1&a=2` into an array; every query parameter is meant to be given once. */
export const NotRepeated = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'notRepeated',
      validator: { validate: (value) => !Array.isArray(value), defaultMessage: (args) => `${args?.property ?? 'value'} must be given only once` },
    },
    options,
  );

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;
const MAX_UTC = Date.parse('9999-12-31T23:59:59.999Z');
const MIN_UTC = Date.parse('0001-01-01T00:00:00.000Z');

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

/**
 * An RFC 3339 date-time (`2026-11-28T10:00:00Z`, offsets allowed) that names a real instant:
 * JavaScript alone would take 2026-02-30 as 2 March. Years 0001–9999 in UTC, no leap seconds.
 */
export function isDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [offsetHour, offsetMinute] = [match[9], match[10]].map((part) => Number(part ?? 0));
  if (month < 1 || month > 12 || day < 1 || year < 1 || day > daysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 59 || offsetHour > 23 || offsetMinute > 59) return false;
  const instant = Date.parse(value);
  return instant >= MIN_UTC && instant <= MAX_UTC;
}

export const IsDateTime = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isDateTime',
      validator: { validate: isDateTime, defaultMessage: (args) => `${args?.property ?? 'value'} must be an ISO 8601 date-time such as 2026-11-28T10:00:00Z` },
    },
    options,
  );

/** Counts Unicode code points, as PostgreSQL counts `varchar(n)`; class-validator's Length does not count U+FE0E/U+FE0F at all. */
const codePoints = (value: string): number => {
  let count = 0;
  for (const _character of value) count++;
  return count;
};

/** A string of `min`–`max` code points (see codePoints). */
export const CodePointLength = (min: number, max: number, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'codePointLength',
      constraints: [min, max],
      validator: {
        validate: (value) => typeof value === 'string' && codePoints(value) >= min && codePoints(value) <= max,
        defaultMessage: (args) =>
          min > 0 ? `${args?.property ?? 'value'} must be ${min} to ${max} characters long` : `${args?.property ?? 'value'} must be at most ${max} characters long`,
      },
    },
    options,
  );

export const MaxCodePoints = (max: number, options?: ValidationOptions) => CodePointLength(0, max, options);

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const DEL = 0x7f;

/** C0 controls and DEL; PostgreSQL refuses U+0000 in text, the rest have no business in a title or a name. */
function hasControlCharacter(value: string, allowLineBreaks: boolean): boolean {
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if ((code < 0x20 || code === DEL) && !(allowLineBreaks && (code === TAB || code === LF || code === CR))) return true;
  }
  return false;
}
/** Free text that may span lines (tab, CR and LF allowed). */
const MULTILINE_FIELDS = new Set(['description']);
/** Hashed, never stored or shown as text: every character is the user's choice. */
const SECRET_FIELDS = new Set(['password', 'currentPassword', 'newPassword']);
/** Names an object inherits from Object.prototype, which class-validator's whitelist mistakes for declared properties. */
const INHERITED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__']);

function controlCharacterProblem(field: string, value: string): ProblemFieldError | null {
  if (SECRET_FIELDS.has(field)) return null;
  if (MULTILINE_FIELDS.has(field)) {
    return hasControlCharacter(value, true) ? { field, message: `${field} must not contain control characters other than tab, CR and LF` } : null;
  }
  return hasControlCharacter(value, false) ? { field, message: `${field} must not contain control characters` } : null;
}

/** Before class-transformer sees a body or a query: Object.prototype names, at any level, are unknown properties. */
export function inheritedNameProblems(input: unknown, path = ''): ProblemFieldError[] {
  if (typeof input !== 'object' || input === null) return [];
  return Object.keys(input).flatMap((key) => {
    const keyPath = path ? `${path}.${key}` : key;
    if (!Array.isArray(input) && INHERITED_NAMES.has(key)) return [{ field: keyPath, message: `${keyPath} is not allowed` }];
    return inheritedNameProblems((input as Record<string, unknown>)[key], keyPath);
  });
}

function* stringsIn(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) yield* stringsIn(item);
}

/**
 * After validation, on the values as they will be stored (trimmed, normalised): no control
 * characters, by the rules above, decided by the top-level field the string is in.
 */
export function controlCharacterProblems(dto: object): ProblemFieldError[] {
  return Object.entries(dto).flatMap(([field, value]) => {
    for (const text of stringsIn(value)) {
      const problem = controlCharacterProblem(field, text);
      if (problem) return [problem];
    }
    return [];
  });
}

/** Controls and format characters (zero-width space and joiner, BOM, soft hyphen…) only make look-alikes of other addresses. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/u;

/** The address an account is registered under: valid syntax with a dot in the domain, no quoted local part, nothing invisible. */
function isAccountEmail(value: unknown): value is string {
  return typeof value === 'string' && !INVISIBLE.test(value) && !value.includes('"') && isEmail(value, { require_tld: true });
}

export const IsAccountEmail = (options?: ValidationOptions) =>
  ValidateBy({ name: 'isAccountEmail', validator: { validate: isAccountEmail, defaultMessage: (args) => `${args?.property ?? 'email'} must be a valid email address` } }, options);

/** For the OpenAPI document: what isAccountEmail enforces, loosely (the server's check is the authority). */
export const ACCOUNT_EMAIL_PATTERN = '^[^\\s"@]+@[^\\s"@]+\\.[^\\s"@]+$';
export const ACCOUNT_EMAIL_DESCRIPTION =
  'Trimmed, lower-cased and NFC-normalised. A valid address with a dot in the domain (`ada@example.com`, not `ada@localhost`); ' +
  'no quoted local part, no control or invisible format characters (zero-width space, soft hyphen…).';
