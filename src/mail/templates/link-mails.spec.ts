import { describe, expect, it } from '@jest/globals';
import { emailVerificationMail, passwordResetMail } from './link-mails.js';
import { escapeHtml, formatDuration, renderLinkMail } from './mail-layout.js';

const expiresAt = new Date('2026-11-28T10:30:00.000Z');

describe('link mails', () => {
  it('puts the reset link, the expiry and a not-you line in both parts', () => {
    const mail = passwordResetMail({ appUrl: 'https://app.example.com', token: 'tok_en-1', expiresAt, ttlSeconds: 1800 });

    expect(mail.subject).toBe('Reset your tasknest password');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain('https://app.example.com/reset-password?token=tok_en-1');
      expect(part).toContain('expires in 30 minutes (at 2026-11-28 10:30 UTC)');
      expect(part).toContain('If you did not ask for this');
    }
    expect(mail.html).toContain('href="https://app.example.com/reset-password?token=tok_en-1"');
  });

  it('links verification mails to /verify-email', () => {
    const mail = emailVerificationMail({ appUrl: 'http://localhost:3000', token: 'abc', expiresAt, ttlSeconds: 172800 });
    expect(mail.text).toContain('http://localhost:3000/verify-email?token=abc');
    expect(mail.text).toContain('expires in 2 days');
    expect(mail.text).toContain('If you did not create a tasknest account');
  });

  it('escapes every interpolated value in the HTML part, and only there', () => {
    const mail = renderLinkMail({
      heading: '<b>Hi</b>',
      intro: 'Tom & "Jerry"',
      action: "Click 'here'",
      link: 'https://app.example.com/x?a=1&b="><script>alert(1)</script>',
      expiresAt,
      ttlSeconds: 60,
      notYou: '<img src=x onerror=alert(1)>',
    });

    expect(mail.html).not.toMatch(/<script>|<img|<b>Hi/);
    expect(mail.html).toContain('&lt;b&gt;Hi&lt;/b&gt;');
    expect(mail.html).toContain('Tom &amp; &quot;Jerry&quot;');
    expect(mail.html).toContain('href="https://app.example.com/x?a=1&amp;b=&quot;&gt;&lt;script&gt;');
    expect(mail.text).toContain('<b>Hi</b>');
  });
});

describe('mail formatting helpers', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it.each([
    [1, '1 second'],
    [90, '90 seconds'],
    [1800, '30 minutes'],
    [3600, '1 hour'],
    [5400, '90 minutes'],
    [172800, '2 days'],
  ])('writes %i seconds as %s', (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});
