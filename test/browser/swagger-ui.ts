/**
 * Swagger UI in a real browser (Debian's chromium driven by playwright-core) against a running server:
 * authorize with a fresh access token, reload (persistAuthorization keeps it), then "Try it out" →
 * "Execute" on GET /api/v1/users/me — and on GET /api/v1/tasks once the document has it — and read
 * the status the UI shows. Fails on any page error or Content-Security-Policy violation.
 *
 *   npm run test:swagger-ui -- [baseUrl]      (or BASE_URL; default http://localhost:3000)
 *   CHROMIUM_PATH overrides /usr/bin/chromium. Screenshot: test-results/swagger-ui.png.
 *
 * A server on a loopback address is opened as http://tasknest.test:<port> (chromium resolves that
 * name to it): browsers trust http://localhost like https, so only another name shows what a user
 * gets over plain http on a LAN address or a container's port.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';

interface Operation {
  operationId?: string;
  tags?: string[];
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

const baseUrl = (process.argv[2] ?? process.env.BASE_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = 'test-results/swagger-ui.png';
const BROWSER_HOST = 'tasknest.test';
const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;
const TASKS_PATH = '/api/v1/tasks';
const TIMEOUT_MS = 15_000;

const log = (line: string) => process.stdout.write(`${line}\n`);

async function fetchJson<T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, init);
  return { status: response.status, body: (await response.json()) as T };
}

async function registerUser(): Promise<string> {
  const email = `swagger-ui-${randomBytes(6).toString('hex')}@example.com`;
  const { status, body } = await fetchJson<{ accessToken?: string }>('/api/v1/auth/register', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: 'purple-otter-lantern-42' }),
  });
  if (status !== 201 || typeof body.accessToken !== 'string') throw new Error(`register answered ${status}`);
  return body.accessToken;
}

/** Swagger UI gives each operation the element id `operations-<tag>-<operationId>`. */
function operationSelector(document: OpenApiDocument, path: string, method: string): string {
  const operation = document.paths[path]?.[method];
  if (!operation?.operationId || !operation.tags?.[0]) throw new Error(`${method.toUpperCase()} ${path}: no operationId or tag in the document`);
  return `[id="operations-${operation.tags[0]}-${operation.operationId}"]`;
}

async function authorize(page: Page, accessToken: string): Promise<void> {
  await page.locator('.auth-wrapper .authorize').click();
  const dialog = page.locator('.dialog-ux .modal-ux');
  await dialog.locator('input[type="text"], input[type="password"]').first().fill(accessToken);
  await dialog.locator('button.modal-btn.auth.authorize').click();
  // Once authorized the dialog offers Logout instead of Authorize.
  await dialog.locator('button.modal-btn.auth:has-text("Logout")').waitFor();
  await dialog.locator('button.btn-done').click();
  await dialog.waitFor({ state: 'detached' });
}

async function expectAuthorized(page: Page): Promise<void> {
  const button = page.locator('.auth-wrapper .authorize');
  await button.waitFor();
  if (!(await button.evaluate((element) => element.classList.contains('locked')))) {
    throw new Error('after a reload the Authorize button is not locked: the authorization did not persist');
  }
}

/** Expands the operation, runs it with its default inputs and returns the status the UI shows. */
async function tryItOut(page: Page, selector: string): Promise<string> {
  const block = page.locator(selector);
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  await block.locator('button.execute').click();
  const status = block.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor();
  return (await status.innerText()).trim();
}

async function main(): Promise<void> {
  const { status: documentStatus, body: document } = await fetchJson<OpenApiDocument>('/docs/openapi.json');
  if (documentStatus !== 200) throw new Error(`GET /docs/openapi.json answered ${documentStatus}`);
  const accessToken = await registerUser();

  // A new, empty profile every run: nothing persisted by an earlier run can make the test pass.
  const userDataDir = await mkdtemp(join(tmpdir(), 'tasknest-chromium-'));
  const docsUrl = new URL('/docs', baseUrl);
  const hostResolverRules: string[] = [];
  if (LOOPBACK.test(docsUrl.hostname)) {
    hostResolverRules.push(`--host-resolver-rules=MAP ${BROWSER_HOST} ${docsUrl.hostname}`);
    docsUrl.hostname = BROWSER_HOST;
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    args: [
      ...['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      ...hostResolverRules,
    ],
    viewport: { width: 1280, height: 1600 },
  });
  const problems: string[] = [];
  let page: Page | undefined;
  try {
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(TIMEOUT_MS);
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`));

    await page.goto(docsUrl.href);
    await page.locator('.swagger-ui .info .title').waitFor();
    log(`ok Swagger UI renders the document at ${docsUrl.href}`);

    await authorize(page, accessToken);
    await page.reload();
    await expectAuthorized(page);
    log('ok the authorization persists across a reload');

    const checks: { label: string; path: string }[] = [{ label: 'GET /api/v1/users/me', path: '/api/v1/users/me' }];
    if (document.paths[TASKS_PATH]?.get) checks.push({ label: `GET ${TASKS_PATH}`, path: TASKS_PATH });
    else log(`SKIPPED: ${TASKS_PATH} not in the document yet (Try it out on GET ${TASKS_PATH})`);

    for (const check of checks) {
      const shown = await tryItOut(page, operationSelector(document, check.path, 'get'));
      if (shown !== '200') throw new Error(`${check.label}: Swagger UI shows status ${shown}, expected 200`);
      log(`ok ${check.label}: Try it out → Execute shows 200`);
    }
  } catch (error) {
    problems.unshift(error instanceof Error ? error.message : String(error));
  } finally {
    if (page) {
      await mkdir('test-results', { recursive: true });
      await page.screenshot({ path: SCREENSHOT, fullPage: true }).catch(() => undefined);
      log(`screenshot: ${SCREENSHOT}`);
    }
    await context.close();
    await rm(userDataDir, { recursive: true, force: true });
  }
  if (problems.length > 0) throw new Error(problems.join('\n  '));
}

main().then(
  () => log('Swagger UI: passed'),
  (error: unknown) => {
    process.stderr.write(`Swagger UI: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
