import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { simpleParser } from 'mailparser';
import pg from 'pg';
import type { Environment } from '../src/config/load-config.js';
import { eventually } from './support/eventually.js';
import { registerUser } from './support/factories.js';
import { receivedMail, SmtpSink, tokenFromMail } from './support/smtp-sink.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

/** Keeps every line the app logs, to check what may and may not appear in logs. */
class CapturingLogger implements LoggerService {
  readonly lines: string[] = [];
  log(...parts: unknown[]) {
    this.lines.push(JSON.stringify(parts));
  }
  error(...parts: unknown[]) {
    this.lines.push(JSON.stringify(parts));
  }
  warn(...parts: unknown[]) {
    this.lines.push(JSON.stringify(parts));
  }
  debug(...parts: unknown[]) {
    this.lines.push(JSON.stringify(parts));
  }
  verbose(...parts: unknown[]) {
    this.lines.push(JSON.stringify(parts));
  }
}

type OutboxRow = {
  id: string;
  attempts: number;
  sent_at: Date | null;
  last_error: string | null;
  next_attempt_at: Date;
  created_at: Date;
  text_body: string | null;
};

describe('mail delivery through the outbox', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let extra: TestApp | null = null;
  const smtpEnv = (): Environment => ({ SMTP_URL: sink.url, MAIL_POLL_INTERVAL: '50ms' });

  /** Another instance of the app on the same database (only one at a time: PGlite takes four connections). */
  async function secondInstance(env: Environment = {}): Promise<TestApp> {
    extra = await createTestApp({ database: t.database, env: { ...smtpEnv(), ...env } });
    return extra;
  }

  const outboxFor = (email: string) =>
    t.sql<OutboxRow>('SELECT id, attempts, sent_at, last_error, next_attempt_at, created_at, text_body FROM mail_outbox WHERE recipient = $1 ORDER BY created_at', [email]);

  const logger = new CapturingLogger();

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createTestApp({ env: smtpEnv() });
    t.app.useLogger(logger);
  });

  afterEach(async () => {
    await sink.restart();
    await extra?.close();
    extra = null;
  });

  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('delivers a mail queued while SMTP is down once it is back; the request does not wait and no log shows the token', async () => {
    const user = await registerUser(t);
    await sink.waitForMail(user.email);
    await sink.stop();

    const response = await t.http().post('/api/v1/auth/password/forgot').send({ email: user.email });
    expect(response.status).toBe(202);

    const failed = await eventually(async () => (await outboxFor(user.email)).find((row) => row.attempts >= 1 && row.last_error !== null));
    expect(failed.sent_at).toBeNull();
    expect(failed.last_error).toMatch(/^ESOCKET: .*ECONNREFUSED/);
    // At rest the bodies are AES-256-GCM ciphertext: a database reader learns no link.
    const [stored] = await t.sql<{ row: string }>('SELECT row_to_json(m)::text AS row FROM mail_outbox m WHERE id = $1', [failed.id]);
    expect(failed.text_body).toMatch(/^v1:[A-Za-z0-9+/]+=*$/);
    expect(stored.row).not.toMatch(/token|reset-password|localhost:3000/i);
    // Rescheduled: queued with next_attempt_at = created_at, moved on by the retry delay.
    expect(failed.next_attempt_at.getTime()).toBeGreaterThan(failed.created_at.getTime());

    await sink.restart();
    const mail = await sink.waitForMail(user.email, 2);
    // SMTP accepts the mail a moment before the sender records it.
    const sent = await eventually(async () => (await outboxFor(user.email)).find((row) => row.id === failed.id && row.sent_at !== null));
    expect(sent).toEqual(expect.objectContaining({ sent_at: expect.any(Date), last_error: null, text_body: null }));
    expect(sent.attempts).toBeGreaterThanOrEqual(2);
    // Decrypted at send time: the mail carries the link in clear, the stored row never did.
    const token = tokenFromMail(mail, 'reset-password');
    expect(mail.html).toContain(`/reset-password?token=${token}`);
    expect(stored.row).not.toContain(token);
    await t.http().post('/api/v1/auth/password/reset').send({ token, newPassword: 'after-the-outage-passphrase' }).expect(204);
    const logs = logger.lines.join('\n');
    expect(logs).toContain('Mail delivery failed');
    expect(logs).not.toContain(token);
    expect(logs).not.toContain('token=');
  });

  it('sends each mail exactly once when two instances share the database', async () => {
    const second = await secondInstance({ MAIL_POLL_INTERVAL: '20ms' });
    const users = await Promise.all(Array.from({ length: 8 }, (_, index) => registerUser(index % 2 === 0 ? t : second)));
    await Promise.all(
      users.map((user, index) => (index % 2 === 0 ? second : t).http().post('/api/v1/auth/password/forgot').send({ email: user.email }).expect(202)),
    );

    await Promise.all(users.map((user) => sink.waitForMail(user.email, 2)));
    // Once every row is recorded as sent, no sender holds one any more: nothing else can arrive.
    await eventually(async () => {
      const [{ unsent }] = await t.sql<{ unsent: number }>('SELECT count(*)::int AS unsent FROM mail_outbox WHERE recipient = ANY($1) AND sent_at IS NULL', [users.map((user) => user.email)]);
      return unsent === 0;
    });
    for (const user of users) {
      expect(sink.mailsTo(user.email).map((mail) => mail.subject).sort()).toEqual(['Confirm your email address for tasknest', 'Reset your tasknest password']);
    }
    const messageIds = users.flatMap((user) => sink.mailsTo(user.email).map((mail) => mail.messageId));
    expect(new Set(messageIds).size).toBe(16);
    const rows = await t.sql<{ attempts: number; sent: boolean }>('SELECT attempts, sent_at IS NOT NULL AS sent FROM mail_outbox WHERE recipient = ANY($1)', [users.map((user) => user.email)]);
    expect(rows).toHaveLength(16);
    expect(rows.every((row) => row.attempts === 1 && row.sent)).toBe(true);
  });
});

describe('mail without an SMTP server (SMTP_URL unset)', () => {
  let t: TestApp;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    t = await createTestApp({ env: { MAIL_POLL_INTERVAL: '50ms' } });
    t.app.useLogger(logger);
  });

  afterAll(async () => {
    await t.close();
  });

  it('writes each mail as an .eml file under DATA_DIR/outbox and logs its link', async () => {
    const user = await registerUser(t);
    const directory = join(t.config.dataDir, 'outbox');
    const [file] = await eventually(async () => {
      const files = await readdir(directory).catch(() => []);
      return files.length > 0 ? files : null;
    });

    expect(file).toMatch(/\.eml$/);
    const parsed = await simpleParser(await readFile(join(directory, file)));
    expect(parsed.subject).toBe('Confirm your email address for tasknest');
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '').toBe(user.email);
    const token = tokenFromMail(receivedMail(parsed, [user.email]), 'verify-email');
    await eventually(async () => logger.lines.some((line) => line.includes(`/verify-email?token=${token}`)));

    await t.http().post('/api/v1/auth/email/verify').send({ token }).expect(204);
    const [row] = await t.sql<{ sent_at: Date | null; text_body: string | null }>('SELECT sent_at, text_body FROM mail_outbox WHERE recipient = $1', [user.email]);
    expect(row).toEqual({ sent_at: expect.any(Date), text_body: null });
  });
});

describe('mail sender shutdown', () => {
  it('finishes and records the mail in hand before the app closes its database pool', async () => {
    const slowSink = await SmtpSink.start({ replyDelayMs: 400 });
    const database = await createTestDatabase();
    const app = await createTestApp({ database, env: { SMTP_URL: slowSink.url } });
    try {
      const user = await registerUser(app);
      // The server has the whole message and is taking its time to answer.
      await slowSink.waitForMail(user.email);
      await app.close();

      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query<{ sent: boolean; attempts: number }>('SELECT sent_at IS NOT NULL AS sent, attempts FROM mail_outbox WHERE recipient = $1', [user.email]);
      await client.end();
      expect(rows).toEqual([{ sent: true, attempts: 1 }]);
    } finally {
      await database.drop();
      await slowSink.stop();
    }
  });
});
