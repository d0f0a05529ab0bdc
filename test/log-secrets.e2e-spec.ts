import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CapturedLog } from './support/captured-log.js';
import { eventually, itOnPostgres } from './support/eventually.js';
import { bearer, GOOD_PASSWORD, registerUser, uniqueEmail } from './support/factories.js';
import { SmtpSink, tokenFromMail } from './support/smtp-sink.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** A bcrypt hash anywhere in a line ($2a$/$2b$/$2y$ and the cost). */
const BCRYPT_HASH = /\$2[aby]\$\d\d\$/;

/** The log must show that something failed, and nothing of what was in the failed statement. */
function expectNoSecrets(log: CapturedLog, secrets: string[]): void {
  const text = log.text;
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(BCRYPT_HASH);
  expect(text).not.toMatch(/"parameters"|INSERT INTO|"detail"|Failing row/);
}

describe('logs hold no SQL parameters, hashes, tokens, links or mail bodies', () => {
  const log = new CapturedLog();
  let sink: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    sink = await SmtpSink.start();
    t = await createTestApp({ logTo: log.stream, env: { SMTP_URL: sink.url, MAIL_POLL_INTERVAL: '50ms' } });
    // Statements the API would otherwise never send to a failure: the database refuses these values.
    await t.sql(`ALTER TABLE users ADD CONSTRAINT test_refuses_name CHECK (name IS NULL OR name NOT LIKE 'refused%')`);
    await t.sql(`ALTER TABLE tasks ADD CONSTRAINT test_refuses_description CHECK (description IS NULL OR description NOT LIKE 'refused%')`);
  });

  afterAll(async () => {
    await t.close();
    await sink.stop();
  });

  it('logs a failed registration (500) with its request id, without the email, the hash or the statement', async () => {
    const email = uniqueEmail('leak');
    const response = await t.http().post('/api/v1/auth/register').send({ email, password: GOOD_PASSWORD, name: 'refused-name' });

    expect(response.status).toBe(500);
    const line = log.lines.find((entry) => entry.includes(String(response.headers['x-request-id'])) && entry.includes('"level":50'));
    expect(line).toEqual(expect.stringContaining('test_refuses_name'));
    expectNoSecrets(log, [email, GOOD_PASSWORD, 'refused-name']);
  });

  it('logs a failed task write (500) without the task text', async () => {
    const user = await registerUser(t);
    const description = `refused secret diary ${uniqueEmail('entry')}`;
    const response = await t.http().post('/api/v1/tasks').set(bearer(user.accessToken)).send({ title: 'A private title 7c1e', description });

    expect(response.status).toBe(500);
    expect(log.text).toContain('test_refuses_description');
    expectNoSecrets(log, [description, 'A private title 7c1e', user.email, user.accessToken, user.refreshToken]);
  });

  it('logs a mail delivery failure without the link, the token or the body', async () => {
    const user = await registerUser(t);
    await sink.waitForMail(user.email);
    await sink.stop();
    await t.http().post('/api/v1/auth/password/forgot').send({ email: user.email }).expect(202);
    await eventually(async () => log.text.includes('Mail delivery failed'));

    await sink.restart();
    const mail = await sink.waitForMail(user.email, 2);
    const token = tokenFromMail(mail, 'reset-password');
    expectNoSecrets(log, [token, 'reset-password?token', 'If you did not ask for this', user.accessToken, user.refreshToken]);
  });
});

describe('logs during a database outage', () => {
  const log = new CapturedLog();
  let proxy: TcpProxy;
  let t: TestApp;
  let direct: TestApp;

  beforeAll(async () => {
    direct = await createTestApp();
    proxy = await startTcpProxy(direct.database.url);
    t = await createTestApp({ logTo: log.stream, database: { ...direct.database, url: proxy.url } });
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await direct?.close();
  });

  itOnPostgres('logs the 503 of a registration cut off before COMMIT without its email or hash', async () => {
    const email = uniqueEmail('outage');
    proxy.cutOnClientData((chunk) => chunk.includes('COMMIT'));

    const response = await t.http().post('/api/v1/auth/register').send({ email, password: GOOD_PASSWORD, name: 'outage-name' });

    expect(response.status).toBe(503);
    expect(log.text).toContain(String(response.headers['x-request-id']));
    expectNoSecrets(log, [email, GOOD_PASSWORD, 'outage-name']);
  });
});
