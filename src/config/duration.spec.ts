import { describe, expect, it } from '@jest/globals';
import { parseDurationMilliseconds, parseDurationSeconds } from './duration.js';

describe('parseDurationSeconds', () => {
  it.each([
    ['900', 900],
    ['10s', 10],
    ['15m', 900],
    ['12h', 43200],
    ['7d', 604800],
  ])('reads %s as %i seconds', (raw, seconds) => {
    expect(parseDurationSeconds(raw)).toBe(seconds);
  });

  it('refuses milliseconds and nonsense', () => {
    expect(parseDurationSeconds('250ms')).toBeNull();
    expect(parseDurationSeconds('soon')).toBeNull();
  });
});

describe('parseDurationMilliseconds', () => {
  it.each([
    ['2', 2000],
    ['250ms', 250],
    ['2s', 2000],
    ['1m', 60000],
  ])('reads %s as %i ms', (raw, milliseconds) => {
    expect(parseDurationMilliseconds(raw)).toBe(milliseconds);
  });

  it('refuses what is not a duration', () => {
    expect(parseDurationMilliseconds('2 s')).toBeNull();
    expect(parseDurationMilliseconds('-1s')).toBeNull();
  });
});
