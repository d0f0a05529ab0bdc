import { createTransport, type SendMailOptions, type Transporter } from 'nodemailer';
import type { QueuedMail } from '../outgoing-mail.js';
import { MailTransport } from './mail-transport.js';

/**
 * Bounded so that one attempt always ends well inside the sender's lease: a silent server must
 * not hold a claimed mail past the moment another instance may claim it again.
 */
const SMTP_TIMEOUTS_MS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as const;

/**
 * SMTP_URL decides everything: `smtp://host:port` is plain SMTP that upgrades with STARTTLS only if
 * the server offers it (Mailpit does not, so it stays plain), `smtps://` is TLS from the first byte,
 * `user:pass@` logs in, and nodemailer options can ride in the query (`?requireTLS=true`).
 */
export class SmtpMailTransport extends MailTransport {
  private readonly transporter: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    super();
    this.transporter = createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS_MS });
  }

  async send(mail: QueuedMail, signal: AbortSignal): Promise<void> {
    await this.transporter.sendMail({ ...toMessage(mail, this.from), signal });
  }

  close(): void {
    this.transporter.close();
  }
}

/** The domain of MAIL_FROM's address, for Message-IDs that match the sender. */
function senderDomain(from: string): string {
  return /@([^\s<>@]+)>?\s*$/.exec(from)?.[1] ?? 'tasknest.local';
}

export function toMessage(mail: QueuedMail, from: string): SendMailOptions {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: `<${mail.id}@${senderDomain(from)}>`,
    // Keeps vacation responders and the like from answering a machine.
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
