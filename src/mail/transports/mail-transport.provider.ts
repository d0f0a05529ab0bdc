import { join } from 'node:path';
import { Logger, type Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { EmlFileMailTransport } from './eml-file-mail.transport.js';
import { MailTransport } from './mail-transport.js';
import { SmtpMailTransport } from './smtp-mail.transport.js';

export const mailTransportProvider: Provider = {
  provide: MailTransport,
  inject: [AppConfig],
  useFactory: (config: AppConfig): MailTransport => {
    if (config.mail.smtpUrl) return new SmtpMailTransport(config.mail.smtpUrl, config.mail.from);
    const directory = join(config.dataDir, 'outbox');
    const production = config.nodeEnv === 'production';
    // In production nobody reads these files: say so loudly, and keep the links out of the log.
    new Logger('MailTransport')[production ? 'warn' : 'log']({ directory }, 'SMTP_URL is not set: mail is written as .eml files, not sent');
    return new EmlFileMailTransport(directory, config.mail.from, !production);
  },
};
