import { describe, expect, it } from '@jest/globals';
import { parseDurationMilliseconds, parseDurationSeconds } from './duration.js';

describe('parseDurationSeconds', () => {
  it.each([
    ['900', 900],
    ['0', 0],
    ['10s', 10],
    ['15m', 900],
    ['12h', 43200],
    ['7d', 604800],
    [' 30d ', 2592000],
  ])('reads %p as %p seconds', (raw, seconds) => {
    expect(parseDurationSeconds(raw)).toBe(seconds);
  });

  it.each([['15 m'], ['1.5h'], ['-5'], ['10w'], ['abc'], [''], ['250ms'], ['9'.repeat(20) + 'd']])('rejects %p', (raw) => {
    expect(parseDurationSeconds(raw)).toBeNull();
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
