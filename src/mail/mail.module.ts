import { Module } from '@nestjs/common';
import { MailOutbox } from './mail-outbox.service.js';
import { MailSender } from './mail-sender.service.js';
import { mailTransportProvider } from './transports/mail-transport.provider.js';

/** The transactional outbox (`MailOutbox`) and the in-process sender that empties it. */
@Module({
  providers: [MailOutbox, MailSender, mailTransportProvider],
  exports: [MailOutbox],
})
export class MailModule {}
