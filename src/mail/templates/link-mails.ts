import type { MailContent } from '../outgoing-mail.js';
import { renderLinkMail } from './mail-layout.js';

export interface LinkMailInput {
  appUrl: string;
  token: string;
  expiresAt: Date;
  ttlSeconds: number;
}

function linkTo(appUrl: string, page: string, token: string): string {
  return `${appUrl}/${page}?${new URLSearchParams({ token }).toString()}`;
}

export function passwordResetMail(input: LinkMailInput): MailContent {
  return {
    subject: 'Reset your tasknest password',
    ...renderLinkMail({
      heading: 'Reset your password',
      intro: 'Someone asked to reset the password of the tasknest account for this email address.',
      action: 'Choose a new password',
      link: linkTo(input.appUrl, 'reset-password', input.token),
      expiresAt: input.expiresAt,
      ttlSeconds: input.ttlSeconds,
      notYou: 'If you did not ask for this, ignore this email: your password stays as it is and nobody can use this link without access to your inbox.',
    }),
  };
}

export function emailVerificationMail(input: LinkMailInput): MailContent {
  return {
    subject: 'Confirm your email address for tasknest',
    ...renderLinkMail({
      heading: 'Confirm your email address',
      intro: 'Please confirm that this address belongs to your tasknest account.',
      action: 'Confirm my email address',
      link: linkTo(input.appUrl, 'verify-email', input.token),
      expiresAt: input.expiresAt,
      ttlSeconds: input.ttlSeconds,
      notYou: 'If you did not create a tasknest account, ignore this email: the address stays unconfirmed.',
    }),
  };
}
