import { join } from 'node:path';
import type { Provider } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { EmlFileMailTransport } from './eml-file-mail.transport.js';
import { MailTransport } from './mail-transport.js';
import { SmtpMailTransport } from './smtp-mail.transport.js';

export const mailTransportProvider: Provider = {
  provide: MailTransport,
  inject: [AppConfig],
  useFactory: (config: AppConfig): MailTransport =>
    config.mail.smtpUrl
      ? new SmtpMailTransport(config.mail.smtpUrl, config.mail.from)
      : new EmlFileMailTransport(join(config.dataDir, 'outbox'), config.mail.from, config.nodeEnv !== 'production'),
};
