import { type BeforeApplicationShutdown, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { decryptMailBody } from './mail-body-cipher.js';
import type { QueuedMail } from './outgoing-mail.js';
import { describeDeliveryError, retryDelaySeconds } from './retry-policy.js';
import { MailTransport } from './transports/mail-transport.js';

/** How long a claimed mail stays invisible to other senders: far longer than one SMTP attempt can take. */
const LEASE_SECONDS = 120;
/** Sent rows are kept a week (the hourly cap needs one hour of them), without their bodies. */
const KEEP_SENT_DAYS = 7;
/** On shutdown, how long a send in progress may still take before it is aborted (and retried later). */
const SHUTDOWN_GRACE_MS = 5000;
/** A retry is due by the database's clock; waking a little late avoids finding it not yet due. */
const RETRY_SLACK_MS = 50;

interface ClaimedRow {
  id: string;
  recipient: string;
  subject: string;
  text_body: string | null;
  html_body: string | null;
  attempts: number;
}

/**
 * Delivers `mail_outbox` rows, in this process, from application start to shutdown. Each mail is
 * claimed by one statement (`FOR UPDATE SKIP LOCKED` plus a lease on next_attempt_at), so any number
 * of instances can run side by side and each mail is handed to SMTP once; it is sent again only if
 * a process dies between the SMTP server's acceptance and the UPDATE that records it.
 * Failures are retried with exponential back-off for as long as it takes: mail is delayed, never dropped.
 */
@Injectable()
export class MailSender implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MailSender.name);
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private wakeRequested = false;
  private nextRetryAt = Number.POSITIVE_INFINITY;
  private readonly aborter = new AbortController();
  private readonly secrets: string[];

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transport: MailTransport,
    private readonly config: AppConfig,
  ) {
    this.secrets = smtpPasswordForms(config.mail.smtpUrl);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.schedule(0);
  }

  /**
   * Before the pool closes: no new pass, and the mail in hand is finished and recorded; a send that
   * hangs is aborted after a grace period and recorded as failed, so it is retried, not lost.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pass) {
      const grace = setTimeout(() => this.aborter.abort(), SHUTDOWN_GRACE_MS);
      await this.pass;
      clearTimeout(grace);
    }
    this.transport.close();
  }

  /** Look for due mail now (called after a commit that queued some). */
  wake(): void {
    if (!this.running) return;
    if (this.pass) this.wakeRequested = true;
    else this.schedule(0);
  }

  @Interval(3600 * 1000)
  async purgeSent(): Promise<void> {
    await this.dataSource.query(`DELETE FROM mail_outbox WHERE sent_at < now() - make_interval(days => $1)`, [KEEP_SENT_DAYS]);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.startPass(), delayMs);
    // Never what keeps the process alive; shutdown clears it anyway.
    this.timer.unref();
  }

  private startPass(): void {
    this.timer = null;
    if (!this.running || this.pass) return;
    this.pass = this.deliverDue()
      .catch((error: unknown) => this.logger.warn({ error: describeDeliveryError(error, this.secrets) }, 'Mail outbox pass failed; retrying later'))
      .finally(() => {
        this.pass = null;
        if (this.running) this.schedule(this.nextDelayMs());
      });
  }

  private nextDelayMs(): number {
    if (this.wakeRequested) {
      this.wakeRequested = false;
      return 0;
    }
    const untilRetry = this.nextRetryAt - Date.now() + RETRY_SLACK_MS;
    this.nextRetryAt = Number.POSITIVE_INFINITY;
    return Math.max(0, Math.min(this.config.mail.pollIntervalMs, untilRetry));
  }

  /** One mail at a time, so every claimed mail is attempted well inside its lease. */
  private async deliverDue(): Promise<void> {
    while (this.running) {
      const row = await this.claimNext();
      if (!row) return;
      await this.deliver(row);
    }
  }

  private async claimNext(): Promise<ClaimedRow | null> {
    // For UPDATE, TypeORM's postgres driver answers [rows, affectedCount].
    const [rows]: [ClaimedRow[], number] = await this.dataSource.query(
      `UPDATE mail_outbox
          SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => $1)
        WHERE id = (SELECT id FROM mail_outbox
                     WHERE sent_at IS NULL AND next_attempt_at <= now()
                     ORDER BY next_attempt_at
                     LIMIT 1
                     FOR UPDATE SKIP LOCKED)
        RETURNING id, recipient, subject, text_body, html_body, attempts`,
      [LEASE_SECONDS],
    );
    return rows[0] ?? null;
  }

  private async deliver(row: ClaimedRow): Promise<void> {
    try {
      await this.transport.send(toQueuedMail(row, this.config.mail.encryptionKey), this.aborter.signal);
    } catch (error) {
      await this.recordFailure(row, error);
      return;
    }
    // The bodies go: they carry single-use links that must not outlive their delivery.
    const [, affected]: [unknown, number] = await this.dataSource.query(
      `UPDATE mail_outbox SET sent_at = now(), text_body = NULL, html_body = NULL, last_error = NULL
        WHERE id = $1 AND attempts = $2 AND sent_at IS NULL`,
      [row.id, row.attempts],
    );
    if (affected === 0) this.logger.warn({ outboxId: row.id }, 'Mail was sent after its lease ran out; it may have been delivered twice');
    else this.logger.debug({ outboxId: row.id, attempts: row.attempts }, 'Mail sent');
  }

  private async recordFailure(row: ClaimedRow, error: unknown): Promise<void> {
    const delaySeconds = retryDelaySeconds(row.attempts);
    const lastError = describeDeliveryError(error, this.secrets);
    await this.dataSource.query(
      `UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => $3), last_error = $4
        WHERE id = $1 AND attempts = $2 AND sent_at IS NULL`,
      [row.id, row.attempts, delaySeconds, lastError],
    );
    this.nextRetryAt = Math.min(this.nextRetryAt, Date.now() + delaySeconds * 1000);
    this.logger.warn({ outboxId: row.id, attempts: row.attempts, retryInSeconds: delaySeconds, error: lastError }, 'Mail delivery failed; will retry');
  }
}

function toQueuedMail(row: ClaimedRow, key: Buffer): QueuedMail {
  // Bodies are cleared only together with sent_at, so an unsent row always has them.
  if (row.text_body === null || row.html_body === null) throw new Error(`Outbox row ${row.id} has no body`);
  const recipient = row.recipient;
  return {
    id: row.id,
    to: recipient,
    subject: row.subject,
    text: decryptMailBody(key, row.text_body, { recipient, part: 'text' }),
    html: decryptMailBody(key, row.html_body, { recipient, part: 'html' }),
  };
}

/** The SMTP password as it appears in the URL and decoded, so neither form reaches a log or a row. */
function smtpPasswordForms(smtpUrl: string | null): string[] {
  const password = smtpUrl ? new URL(smtpUrl).password : '';
  if (!password) return [];
  try {
    return [password, decodeURIComponent(password)];
  } catch {
    return [password];
  }
}
