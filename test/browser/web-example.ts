/**
 * The reference web client (examples/web) in a real browser (Debian's chromium driven by playwright-core),
 * served on one origin and talking to the API on another: the journey a user takes, step by step,
 * with a screenshot of each step under test-results/web-example/ and the timings in
 * test-results/web-example/journey.json.
 *
 *   node --import @swc-node/register/esm-register test/browser/web-example.ts <webUrl> <apiUrl>
 *   (scripts/ci-web-example.sh builds the example, starts both servers and runs this.)
 *
 * The API must run with JWT_ACCESS_TTL=3s and CORS_ORIGINS=<webUrl>: the journey waits for an
 * access token to expire and counts the refresh calls of the burst that follows.
 * CHROMIUM_PATH overrides /usr/bin/chromium.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page, type Request } from 'playwright-core';

const webUrl = (process.argv[2] ?? process.env.WEB_URL ?? 'http://127.0.0.1:4173').replace(/\/$/, '');
const apiUrl = (process.argv[3] ?? process.env.API_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS_DIR = 'test-results/web-example';
// Generous: the machine running this may be busy. Nothing here sleeps; every wait ends on a signal.
const TIMEOUT_MS = 30_000;
const POLL_MS = 50;
const PASSWORD = 'purple-otter-lantern-42';
const REFRESH_PATH = '/api/v1/auth/refresh';
const TASKS_PATH = '/api/v1/tasks';
const RATE_LIMIT_ATTEMPTS = 80;

const log = (line: string) => process.stdout.write(`${line}\n`);

interface StepResult {
  step: string;
  ms: number;
  screenshot: string;
}
const steps: StepResult[] = [];
const problems: string[] = [];

/** Waits until `condition` holds, checking it every 50 ms: waiting on the real condition, never a fixed sleep. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(message);
}

/** Runs one step of the journey, times it, and screenshots `page` once it is done. */
async function step(slug: string, name: string, page: Page, body: () => Promise<void>): Promise<void> {
  const started = performance.now();
  await body();
  const ms = Math.round(performance.now() - started);
  const screenshot = `${RESULTS_DIR}/${String(steps.length + 1).padStart(2, '0')}-${slug}.png`;
  await page.screenshot({ path: screenshot, fullPage: true });
  steps.push({ step: name, ms, screenshot });
  log(`ok ${String(ms).padStart(6)} ms  ${name}  (${screenshot})`);
}

/** Every request a page makes to the API, in order, with the status it got. */
interface Seen {
  method: string;
  path: string;
  headers: Record<string, string>;
  status: number | null;
}
function recordNetwork(page: Page, label: string): Seen[] {
  const seen: Seen[] = [];
  const byRequest = new Map<Request, Seen>();
  page.on('request', (request) => {
    if (!request.url().startsWith(apiUrl) || request.method() === 'OPTIONS') return;
    const entry = { method: request.method(), path: new URL(request.url()).pathname, headers: request.headers(), status: null };
    seen.push(entry);
    byRequest.set(request, entry);
  });
  page.on('response', (response) => {
    const entry = byRequest.get(response.request());
    if (entry) entry.status = response.status();
  });
  page.on('pageerror', (error) => problems.push(`${label}: page error: ${error.message}`));
  page.on('console', (message) => {
    if (/CORS|Access-Control|Content Security Policy/i.test(message.text())) problems.push(`${label}: console ${message.type()}: ${message.text()}`);
  });
  page.on('requestfailed', (request) => {
    // A reload or a closed page aborts what it was loading; a CORS refusal is net::ERR_FAILED.
    if (request.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`${label}: request failed: ${request.method()} ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`);
  });
  return seen;
}

function accessTokenExpiry(seen: Seen[]): number {
  const last = [...seen].reverse().find((entry) => entry.headers.authorization?.startsWith('Bearer '));
  check(last !== undefined, 'the page has not sent an access token yet');
  const payload = (last?.headers.authorization ?? '').split('.')[1] ?? '';
  const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: number };
  check(typeof exp === 'number', 'the access token has no exp claim');
  return (exp ?? 0) * 1000;
}

// A string, evaluated in the page: this file is type-checked without the DOM's types.
const storedKeys = (page: Page) => page.evaluate('Object.keys(localStorage)') as Promise<string[]>;
const tasks = (page: Page) => page.getByTestId('task');
const taskNamed = (page: Page, title: string) => tasks(page).filter({ has: page.locator('.title', { hasText: new RegExp(`^${title}$`) }) });
const signedIn = (page: Page) => page.getByText(/^Signed in as/);
const loginForm = (page: Page) => page.getByRole('form', { name: 'Log in' });

async function openApp(context: BrowserContext, label: string): Promise<{ page: Page; seen: Seen[] }> {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  const seen = recordNetwork(page, label);
  await page.goto(webUrl);
  return { page, seen };
}

async function logIn(page: Page, email: string): Promise<void> {
  const form = loginForm(page);
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Password').fill(PASSWORD);
  await form.getByRole('button', { name: 'Log in' }).click();
  await signedIn(page).waitFor();
}

async function newContext(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1000, height: 900 },
  });
}

interface JourneyResult {
  refreshCalls: number;
  burst: number;
  refreshCallsTotal: number;
  requestsTotal: number;
}

async function journey(a: BrowserContext, b: BrowserContext): Promise<JourneyResult> {
  check(new URL(webUrl).origin !== new URL(apiUrl).origin, `the example (${webUrl}) and the API (${apiUrl}) must be on different origins`);
  const email = `web-example-${randomBytes(6).toString('hex')}@example.com`;
  const { page, seen } = await openApp(a, 'page A');
  let burst = { refreshCalls: 0, burst: 0 };

  await step('login', 'login screen', page, async () => {
    await loginForm(page).waitFor();
  });

  await step('signup-field-error', 'sign up: a short password gets its field error next to the field', page, async () => {
    await page.getByRole('tab', { name: 'Sign up' }).click();
    const form = page.getByRole('form', { name: 'Sign up' });
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Password').fill('short');
    await form.getByRole('button', { name: 'Create account' }).click();
    await form.locator('#password-error').waitFor();
    check(!(await form.locator('#email-error').isVisible()), 'a field error is shown next to the email, which was fine');
  });

  await step('signup', 'sign up', page, async () => {
    const form = page.getByRole('form', { name: 'Sign up' });
    await form.getByLabel('Password').fill(PASSWORD);
    await form.getByRole('button', { name: 'Create account' }).click();
    await signedIn(page).waitFor();
    const stored = await storedKeys(page);
    check(stored.join() === 'tasknest.refreshToken', `localStorage holds ${stored.join() || 'nothing'}, expected only the refresh token`);
  });

  await step('create-double-click', 'create with a double-click: two POSTs with one Idempotency-Key, one task', page, async () => {
    await page.getByLabel('New task').fill('Buy milk');
    await page.getByRole('button', { name: 'Add task' }).dblclick();
    const posts = () => seen.filter((entry) => entry.method === 'POST' && entry.path === TASKS_PATH);
    // Each click's POST, after its retry if the access token had just expired (401, refresh, retry).
    const answered = () => posts().filter((entry) => entry.status !== null && entry.status !== 401);
    await until('both clicks to be answered', () => answered().length === 2 && posts().every((entry) => entry.status !== null));
    const keys = new Set(posts().map((entry) => entry.headers['idempotency-key'] ?? '(none)'));
    check(keys.size === 1 && !keys.has('(none)'), `the two clicks sent the Idempotency-Keys ${[...keys].join(', ')}`);
    const statuses = answered().map((entry) => entry.status).sort();
    check(statuses[0] === 201 && (statuses[1] === 201 || statuses[1] === 409), `the POSTs answered ${statuses.join(' and ')}`);
    await taskNamed(page, 'Buy milk').waitFor();
    await page.getByRole('button', { name: 'Reload' }).click();
    await page.getByText('1 tasks').waitFor();
    check((await taskNamed(page, 'Buy milk').count()) === 1, 'the double-click made more than one task');
  });

  await step('search-filter', 'create a second task, search and filter', page, async () => {
    await page.getByLabel('New task').fill('Write report');
    await page.getByRole('button', { name: 'Add task' }).click();
    await taskNamed(page, 'Write report').waitFor();
    await page.getByLabel('Search').fill('milk');
    await page.getByRole('button', { name: 'Search' }).click();
    await taskNamed(page, 'Write report').waitFor({ state: 'detached' });
    await page.getByText('1 tasks').waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('2 tasks').waitFor();
  });

  await step('edit', 'edit with If-Match', page, async () => {
    await taskNamed(page, 'Buy milk').getByRole('button', { name: 'Edit' }).click();
    const editor = page.getByRole('form', { name: 'Edit task' });
    await editor.getByLabel('Title').fill('Buy oat milk');
    await editor.getByRole('button', { name: 'Save' }).click();
    await taskNamed(page, 'Buy oat milk').waitFor();
    const patch = seen.find((entry) => entry.method === 'PATCH' && /^\/api\/v1\/tasks\/[^/]+$/.test(entry.path));
    check(patch?.headers['if-match']?.startsWith('"') === true, 'the edit was sent without an If-Match');
  });

  await step('toggle', 'toggle', page, async () => {
    // A controlled checkbox: it shows the new state once the API has answered.
    await page.getByLabel('Done: Buy oat milk').click();
    await page.locator('[data-testid="task"][data-completed="true"]', { hasText: 'Buy oat milk' }).waitFor();
    await page.getByRole('button', { name: /^done/ }).click();
    await page.getByText('1 tasks').waitFor();
    await page.getByRole('button', { name: /^all/ }).click();
    await page.getByText('2 tasks').waitFor();
  });

  await step('delete', 'delete', page, async () => {
    await taskNamed(page, 'Write report').getByRole('button', { name: 'Delete' }).click();
    await taskNamed(page, 'Write report').waitFor({ state: 'detached' });
    await page.getByText('1 tasks').waitFor();
  });

  await step('reload', 'reload keeps the session and the tasks', page, async () => {
    await page.reload();
    await signedIn(page).waitFor();
    await page.locator('[data-testid="task"][data-completed="true"]', { hasText: 'Buy oat milk' }).waitFor();
    await page.getByText('1 tasks').waitFor();
  });

  const second = await openApp(a, 'page A2');
  await step('conflict', 'two pages edit the same task: the second sees the conflict and the current version', second.page, async () => {
    await signedIn(second.page).waitFor();
    await taskNamed(page, 'Buy oat milk').getByRole('button', { name: 'Edit' }).click();
    await taskNamed(second.page, 'Buy oat milk').getByRole('button', { name: 'Edit' }).click();
    const firstEditor = page.getByRole('form', { name: 'Edit task' });
    const secondEditor = second.page.getByRole('form', { name: 'Edit task' });
    await firstEditor.getByLabel('Title').waitFor();
    await secondEditor.getByLabel('Title').waitFor();
    await firstEditor.getByLabel('Title').fill('Buy oat milk (first page)');
    await firstEditor.getByRole('button', { name: 'Save' }).click();
    await taskNamed(page, 'Buy oat milk \\(first page\\)').waitFor();
    await secondEditor.getByLabel('Title').fill('Buy oat milk (second page)');
    await secondEditor.getByRole('button', { name: 'Save' }).click();
    await second.page.getByText('This task was changed elsewhere').waitFor();
    await second.page.locator('.current-version', { hasText: 'Buy oat milk (first page)' }).waitFor();
    check(second.seen.some((entry) => entry.method === 'PATCH' && entry.status === 412), 'the second page saw no 412');
  });
  await step('conflict-take-current', 'the second page takes the current version into its editor', second.page, async () => {
    const secondEditor = second.page.getByRole('form', { name: 'Edit task' });
    await second.page.getByRole('button', { name: 'Use the current version' }).click();
    await until('the editor to show the current version', async () => (await secondEditor.getByLabel('Title').inputValue()) === 'Buy oat milk (first page)');
  });
  await second.page.close();

  await step('expiry-burst', 'after the access token expires, a burst of parallel requests makes exactly one refresh', page, async () => {
    const expiresAt = accessTokenExpiry(seen);
    // Past the token's exp (whole seconds) by a margin, on this clock: the server's verdict is then "expired".
    await until('the access token to expire', () => Date.now() > expiresAt + 1000, expiresAt - Date.now() + TIMEOUT_MS);
    const from = seen.length;
    await page.getByRole('button', { name: 'Reload' }).click();
    const after = () => seen.slice(from);
    const listCalls = () => after().filter((entry) => entry.method === 'GET' && entry.path === TASKS_PATH);
    // Three lists in parallel (the page and two counters): each fails with 401 once, then succeeds once.
    await until('the burst to be answered and retried', () => listCalls().length === 6 && listCalls().every((entry) => entry.status !== null));
    const refreshes = after().filter((entry) => entry.method === 'POST' && entry.path === REFRESH_PATH);
    const statuses = listCalls().map((entry) => entry.status);
    check(statuses.filter((status) => status === 401).length === 3 && statuses.filter((status) => status === 200).length === 3, `the burst answered ${statuses.join(', ')}`);
    check(refreshes.length === 1 && refreshes[0].status === 200, `the burst made ${refreshes.length} refresh calls (${refreshes.map((entry) => entry.status).join(', ')}), expected exactly one`);
    check(!(await page.getByRole('alert').isVisible()), 'the page shows an error after the refresh');
    await signedIn(page).waitFor();
    burst = { refreshCalls: refreshes.length, burst: 3 };
  });

  const other = await openApp(b, 'context B');
  await step('sessions', 'another browser logs in: the sessions list shows both and marks this one', page, async () => {
    await logIn(other.page, email);
    await page.getByRole('button', { name: 'Sessions' }).click();
    await until('two sessions to be listed', async () => (await page.getByTestId('session').count()) === 2);
    check((await page.getByTestId('session').filter({ hasText: 'this session' }).count()) === 1, 'not exactly one session is marked as this one');
  });
  await step('revoke-other-session', 'revoking the other session sends that browser to login on its next action', other.page, async () => {
    await page.getByTestId('session').getByRole('button', { name: 'Revoke' }).click();
    await until('one session to be left', async () => (await page.getByTestId('session').count()) === 1);
    await other.page.getByRole('button', { name: 'Reload' }).click();
    await loginForm(other.page).waitFor();
    await other.page.getByText('Your session has ended').waitFor();
  });

  await step('logout-everywhere', 'log out everywhere: the other browser ends at login on its next action', other.page, async () => {
    await logIn(other.page, email);
    await page.getByRole('button', { name: 'Log out everywhere' }).click();
    await loginForm(page).waitFor();
    check((await storedKeys(page)).length === 0, 'the refresh token is still stored after logging out');
    await other.page.getByRole('button', { name: 'Reload' }).click();
    await loginForm(other.page).waitFor();
    await other.page.getByText('Your session has ended').waitFor();
  });

  await step('rate-limited-login', 'a 429 is shown with its wait', other.page, async () => {
    const form = loginForm(other.page);
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Password').fill('not-the-password-at-all');
    let answer = 0;
    let retryAfter: string | null = null;
    // The API runs with RATE_LIMIT_AUTH_PER_MIN=40: some 40 wrong passwords in a row reach the limit.
    for (let attempt = 1; attempt <= RATE_LIMIT_ATTEMPTS && answer !== 429; attempt++) {
      const response = other.page.waitForResponse((candidate) => candidate.url() === `${apiUrl}/api/v1/auth/login` && candidate.request().method() === 'POST');
      await form.getByRole('button', { name: 'Log in' }).click();
      const login = await response;
      answer = login.status();
      retryAfter = await login.headerValue('retry-after');
      check(answer === 401 || answer === 429, `a wrong password answered ${answer}`);
    }
    check(answer === 429 && retryAfter !== null, `no 429 (with Retry-After) after ${RATE_LIMIT_ATTEMPTS} wrong passwords`);
    await other.page.getByRole('alert').getByText(`Please wait ${retryAfter} s before trying again`).waitFor();
  });
  const requests = [...seen, ...second.seen, ...other.seen];
  return { ...burst, refreshCallsTotal: requests.filter((entry) => entry.method === 'POST' && entry.path === REFRESH_PATH).length, requestsTotal: requests.length };
}

async function main(): Promise<void> {
  await rm(RESULTS_DIR, { recursive: true, force: true });
  await mkdir(RESULTS_DIR, { recursive: true });
  // Two fresh, empty profiles: two browsers that share nothing, and nothing left over from an earlier run.
  const dirs = [await mkdtemp(join(tmpdir(), 'tasknest-web-a-')), await mkdtemp(join(tmpdir(), 'tasknest-web-b-'))];
  const [a, b] = [await newContext(dirs[0]), await newContext(dirs[1])];
  const started = performance.now();
  let result: JourneyResult = { refreshCalls: 0, burst: 0, refreshCallsTotal: 0, requestsTotal: 0 };
  try {
    result = await journey(a, b);
  } catch (error) {
    problems.unshift(error instanceof Error ? error.message : String(error));
    for (const [index, page] of [...a.pages(), ...b.pages()].entries()) {
      await page.screenshot({ path: `${RESULTS_DIR}/failure-${index}.png`, fullPage: true }).catch(() => undefined);
    }
  } finally {
    await a.close();
    await b.close();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
  const totalMs = Math.round(performance.now() - started);
  await writeFile(`${RESULTS_DIR}/journey.json`, `${JSON.stringify({ webUrl, apiUrl, totalMs, ...result, steps, problems }, null, 2)}\n`);
  log(`journey: ${steps.length} steps in ${totalMs} ms; refresh calls in the burst of ${result.burst}: ${result.refreshCalls}; ${result.refreshCallsTotal} refresh calls in ${result.requestsTotal} API requests in all; ${RESULTS_DIR}/journey.json`);
  if (problems.length > 0) throw new Error(problems.join('\n  '));
}

main().then(
  () => log('web example journey: passed'),
  (error: unknown) => {
    process.stderr.write(`web example journey: FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
