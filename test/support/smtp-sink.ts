import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** Envelope recipients (RCPT TO). */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: Map<string, unknown>;
}

/**
 * A real SMTP server on 127.0.0.1, as plain as Mailpit (no TLS, no auth required): the app's
 * nodemailer client talks to it over TCP and the tests read what a mail client would receive.
 */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | null = null;
  private waiters: (() => void)[] = [];

  private constructor(
    private port: number,
    private readonly replyDelayMs: number,
  ) {}

  /** `replyDelayMs`: keep the client waiting that long for the final reply to DATA (a slow server). */
  static async start(options: { replyDelayMs?: number } = {}): Promise<SmtpSink> {
    const sink = new SmtpSink(0, options.replyDelayMs ?? 0);
    await sink.listen();
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  get listening(): boolean {
    return this.server !== null;
  }

  /** Connections are refused until `restart()`: an SMTP outage. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port. */
  async restart(): Promise<void> {
    if (!this.server) await this.listen();
  }

  mailsTo(address: string): ReceivedMail[] {
    return this.mails.filter((mail) => mail.to.includes(address));
  }

  /** Resolves with the `count`-th mail to `address` once it has arrived. */
  async waitForMail(address: string, count = 1, timeoutMs = 15_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    while (this.mailsTo(address).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Mail ${count} to ${address} did not arrive within ${timeoutMs} ms (got ${this.mailsTo(address).length})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.mailsTo(address)[count - 1];
  }

  private async listen(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth: (_auth, _session, callback) => callback(null, { user: 'anyone' }),
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((parsed) => {
            this.mails.push(receivedMail(parsed, session.envelope.rcptTo.map((address) => address.address)));
            const waiters = this.waiters;
            this.waiters = [];
            for (const wake of waiters) wake();
            setTimeout(callback, this.replyDelayMs);
          })
          .catch((error: Error) => callback(error));
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }
}

/** A parsed message as the tests look at it; `to` is the envelope (or the To header of an .eml file). */
export function receivedMail(parsed: ParsedMail, to: string[]): ReceivedMail {
  return {
    to,
    from: parsed.from?.text ?? '',
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? parsed.html : '',
    messageId: parsed.messageId ?? '',
    headers: parsed.headers,
  };
}

/** The token in the mail's link to `{APP_URL}/<page>?token=…`, checked to appear in both parts. */
export function tokenFromMail(mail: ReceivedMail, page: 'reset-password' | 'verify-email', appUrl = 'http://localhost:3000'): string {
  const match = new RegExp(`${appUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/${page}\\?token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!match) throw new Error(`No ${page} link in the mail's text part:\n${mail.text}`);
  const link = new URL(match[0]);
  if (!mail.html.includes(`href="${match[0]}"`)) throw new Error(`The HTML part does not link to ${match[0]}`);
  return link.searchParams.get('token') ?? '';
}
