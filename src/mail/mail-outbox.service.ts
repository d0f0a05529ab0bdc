import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type EntitySubscriberInterface, type QueryRunner, type TransactionCommitEvent, type TransactionRollbackEvent } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { encryptMailBody } from './mail-body-cipher.js';
import { MailSender } from './mail-sender.service.js';
import type { MailContent } from './outgoing-mail.js';

/**
 * Writes mail into `mail_outbox` inside the caller's transaction, so a mail exists exactly when
 * whatever caused it (a token, a user) was committed; the bodies encrypted (they carry links). The sender is woken once that commit is done.
 */
@Injectable()
export class MailOutbox implements EntitySubscriberInterface {
  /** Transactions that queued mail and have not committed yet. */
  private readonly awaitingCommit = new WeakSet<QueryRunner>();

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly sender: MailSender,
    private readonly config: AppConfig,
  ) {
    dataSource.subscribers.push(this);
  }

  /**
   * Queues the mail that `compose` builds, unless MAIL_PER_ADDRESS_PER_HOUR mails already went to
   * this address in the last hour; `compose` runs only when there is room and may answer null
   * (nothing to send). The check holds a per-address lock until commit, so concurrent requests
   * cannot both squeeze under the cap. Answers whether a mail was queued.
   */
  async enqueue(manager: EntityManager, recipient: string, compose: () => Promise<MailContent | null>): Promise<boolean> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`mail_outbox:${recipient}`]);
    // The database's clock throughout, so the cap and the sender agree across instances.
    const [{ count }]: [{ count: number }] = await manager.query(
      `SELECT count(*)::int AS count FROM mail_outbox WHERE recipient = $1 AND created_at > now() - interval '1 hour'`,
      [recipient],
    );
    if (count >= this.config.mail.perAddressPerHour) return false;
    const mail = await compose();
    if (!mail) return false;
    const key = this.config.mail.encryptionKey;
    await manager.query(
      'INSERT INTO mail_outbox (recipient, subject, text_body, html_body, next_attempt_at) VALUES ($1, $2, $3, $4, now())',
      [recipient, mail.subject, encryptMailBody(key, mail.text, { recipient, part: 'text' }), encryptMailBody(key, mail.html, { recipient, part: 'html' })],
    );
    this.wakeSenderAfterCommit(manager.queryRunner);
    return true;
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    if (this.awaitingCommit.delete(event.queryRunner)) this.sender.wake();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    this.awaitingCommit.delete(event.queryRunner);
  }

  private wakeSenderAfterCommit(queryRunner: QueryRunner | undefined): void {
    if (queryRunner?.isTransactionActive) this.awaitingCommit.add(queryRunner);
    else this.sender.wake();
  }
}
