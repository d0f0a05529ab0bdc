import { describe, expect, it } from '@jest/globals';
import { exceedsJsonDepth } from './json-depth.js';

describe('exceedsJsonDepth', () => {
  it('counts arrays and objects alike, up to the limit inclusive', () => {
    expect(exceedsJsonDepth('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(exceedsJsonDepth('{"a":[{"b":[[1]]}]}', 4)).toBe(true);
    expect(exceedsJsonDepth('[[],[],[],[]]', 2)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(exceedsJsonDepth(JSON.stringify({ a: '[[[[{{{{', b: '\\"[[[[', c: '"\\\\"[[' }), 1)).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify({ a: '\\', b: [[1]] }), 2)).toBe(true);
  });

  it('accepts scalars and empty text', () => {
    expect(exceedsJsonDepth('"[[["', 0)).toBe(false);
    expect(exceedsJsonDepth('42', 0)).toBe(false);
  });
});
