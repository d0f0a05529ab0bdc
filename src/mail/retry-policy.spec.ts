import { describe, expect, it } from '@jest/globals';
import { describeDeliveryError, retryDelaySeconds } from './retry-policy.js';

describe('retryDelaySeconds', () => {
  it('doubles from one second after each failed attempt', () => {
    expect([1, 2, 3, 4, 5].map(retryDelaySeconds)).toEqual([1, 2, 4, 8, 16]);
  });

  it('never waits more than five minutes, however many attempts failed', () => {
    expect(retryDelaySeconds(9)).toBe(256);
    expect(retryDelaySeconds(10)).toBe(300);
    expect(retryDelaySeconds(10_000)).toBe(300);
  });
});

describe('describeDeliveryError', () => {
  it('keeps the code, the SMTP reply code and the message', () => {
    const error = Object.assign(new Error('Message rejected'), { code: 'EMESSAGE', responseCode: 550 });
    expect(describeDeliveryError(error)).toBe('EMESSAGE 550: Message rejected');
  });

  it('masks the SMTP password, credentials in URLs and link tokens', () => {
    const error = new Error('auth failed for smtp://mailer:hunter2-secret@mail.example.com with hunter2-secret; link /reset-password?token=abc_DEF-123');
    const text = describeDeliveryError(error, ['hunter2-secret']);
    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('abc_DEF-123');
    expect(text).toContain('token=***');
  });

  it('fits the last_error column', () => {
    expect(describeDeliveryError(new Error('x'.repeat(2000)))).toHaveLength(500);
  });

  it('describes things that are not errors', () => {
    expect(describeDeliveryError('plain string')).toBe('ERROR: plain string');
  });
});
