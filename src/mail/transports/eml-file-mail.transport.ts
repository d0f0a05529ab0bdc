import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { createTransport, type StreamSentMessageInfo, type StreamTransportOptions, type Transporter } from 'nodemailer';
import type { QueuedMail } from '../outgoing-mail.js';
import { MailTransport } from './mail-transport.js';
import { toMessage } from './smtp-mail.transport.js';

const LINK = /https?:\/\/\S+/g;

/**
 * Development without a mail server: each mail becomes `DATA_DIR/outbox/<time>-<id>.eml`, exactly
 * the bytes SMTP would have carried. The links are logged too (they hold live tokens, which is
 * acceptable only here: this transport is never used when SMTP_URL is set).
 */
export class EmlFileMailTransport extends MailTransport {
  private readonly logger = new Logger(EmlFileMailTransport.name);
  private readonly transporter: Transporter<StreamSentMessageInfo, StreamTransportOptions>;

  constructor(
    private readonly directory: string,
    private readonly from: string,
    private readonly logLinks: boolean,
  ) {
    super();
    this.transporter = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(mail: QueuedMail, signal: AbortSignal): Promise<void> {
    const { message } = await this.transporter.sendMail({ ...toMessage(mail, this.from), signal });
    // `buffer: true` makes it a Buffer; the type also allows a stream.
    if (!Buffer.isBuffer(message)) throw new Error('The stream transport did not buffer the message');
    const file = join(this.directory, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mail.id}.eml`);
    await mkdir(this.directory, { recursive: true });
    await writeFile(file, message, { mode: 0o600 });
    const links = this.logLinks ? (mail.text.match(LINK) ?? []) : undefined;
    this.logger.log({ file, subject: mail.subject, links }, 'Mail written to a file (SMTP_URL is not set)');
  }

  close(): void {
    this.transporter.close();
  }
}
