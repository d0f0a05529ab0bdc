/** What a template renders: a subject with a text and an HTML part. */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

/** A claimed outbox row on its way out; the id doubles as the Message-ID so duplicates are recognisable. */
export interface QueuedMail extends MailContent {
  id: string;
  to: string;
}
