import { describe, expect, it } from '@jest/globals';
import { ifNoneMatchMatches, parseIfMatch } from './entity-tags.js';

describe('parseIfMatch', () => {
  it('is null without the header', () => {
    expect(parseIfMatch(undefined)).toBeNull();
  });

  it('reads *', () => {
    expect(parseIfMatch(' * ')).toBe('*');
  });

  it('lists the strong tags and drops the weak ones', () => {
    expect(parseIfMatch('"v1-a", W/"v2-a" ,"v3-a"')).toEqual(['"v1-a"', '"v3-a"']);
  });

  it('finds no tag in a value that is not an entity tag', () => {
    expect(parseIfMatch('v1-a')).toEqual([]);
    expect(parseIfMatch('')).toEqual([]);
  });
});

describe('ifNoneMatchMatches', () => {
  it('matches the same tag, weak or strong, in a list, and *', () => {
    expect(ifNoneMatchMatches('"v2-a"', '"v2-a"')).toBe(true);
    expect(ifNoneMatchMatches('W/"v2-a"', '"v2-a"')).toBe(true);
    expect(ifNoneMatchMatches('"v1-a", "v2-a"', '"v2-a"')).toBe(true);
    expect(ifNoneMatchMatches('*', '"v2-a"')).toBe(true);
  });

  it('does not match another tag, an unquoted value or no header', () => {
    expect(ifNoneMatchMatches('"v1-a"', '"v2-a"')).toBe(false);
    expect(ifNoneMatchMatches('v2-a', '"v2-a"')).toBe(false);
    expect(ifNoneMatchMatches(undefined, '"v2-a"')).toBe(false);
  });
});
