import { describe, expect, it } from '@jest/globals';
import { passwordLength, passwordProblem } from './password-policy.js';

describe('passwordProblem', () => {
  it('accepts an uncommon password of 8 characters', () => {
    expect(passwordProblem('kX9#tq2!')).toBeNull();
  });

  it('rejects passwords shorter than 8 characters', () => {
    expect(passwordProblem('kX9#tq2')).toMatch(/at least 8/);
  });

  it('rejects passwords longer than 128 characters', () => {
    expect(passwordProblem('a'.repeat(128) + 'Z')).toMatch(/at most 128/);
  });

  it('counts characters, not bytes or UTF-16 units', () => {
    const emoji = '😀'.repeat(8);
    expect(emoji.length).toBe(16);
    expect(passwordLength(emoji)).toBe(8);
    expect(passwordProblem('😀'.repeat(7))).toMatch(/at least 8/);
    expect(passwordProblem('😀'.repeat(128))).toBeNull();
    expect(passwordProblem('😀'.repeat(129))).toMatch(/at most 128/);
  });

  it('rejects common passwords in any letter case', () => {
    expect(passwordProblem('password1')).toMatch(/too common/);
    expect(passwordProblem('PassWord1')).toMatch(/too common/);
    expect(passwordProblem('12345678')).toMatch(/too common/);
  });

  it('does not trim: surrounding spaces count', () => {
    expect(passwordProblem('  abc12  ')).toBeNull();
  });

  it('rejects non-strings', () => {
    expect(passwordProblem(12345678)).toBe('must be a string');
  });
});
