import { ValidateBy, ValidateIf, type ValidationOptions } from 'class-validator';

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
