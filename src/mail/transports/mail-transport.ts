import type { QueuedMail } from '../outgoing-mail.js';

/** Where the sender hands mail over: an SMTP server, or `.eml` files in development. */
export abstract class MailTransport {
  /** Resolves once the mail is accepted; rejects with the transport's error, or when `signal` aborts. */
  abstract send(mail: QueuedMail, signal: AbortSignal): Promise<void>;

  abstract close(): void;
}
