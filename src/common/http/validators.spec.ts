import { describe, expect, it } from '@jest/globals';
import { isDateTime } from './validators.js';

describe('isDateTime', () => {
  it.each(['2026-11-28T10:00:00Z', '2026-11-28T10:00:00.123Z', '2024-02-29T23:59:59+02:00', '2000-02-29T00:00:00Z', '2026-01-01t00:00:00z', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z'])(
    'accepts %s',
    (value) => {
      expect(isDateTime(value)).toBe(true);
    },
  );

  it.each([
    '2026-02-30T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-11-28',
    '2026-11-28T10:00:00',
    '2026-11-28 10:00:00Z',
    '2026-11-28T24:00:00Z',
    '2026-11-28T10:60:00Z',
    '2026-12-31T23:59:60Z',
    '2026-11-28T10:00:00+24:00',
    '0000-06-01T00:00:00Z',
    '0001-01-01T00:00:00+01:00',
    '28/11/2026',
    'tomorrow',
    '',
  ])('rejects %s', (value) => {
    expect(isDateTime(value)).toBe(false);
  });

  it('rejects values that are not strings', () => {
    expect(isDateTime(1764324000000)).toBe(false);
    expect(isDateTime(null)).toBe(false);
  });
});
