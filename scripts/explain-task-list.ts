/**
 * Shows how PostgreSQL runs the default task list for a user with many tasks, and optionally times it.
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --import @swc-node/register/esm-register scripts/explain-task-list.ts [--time] [--keep]
 *
 * Creates a fresh database on that server, runs the migrations, seeds 100 000 tasks across 10 users
 * (the one measured holds 10 000), ANALYZEs, and prints EXPLAIN (ANALYZE, BUFFERS) of the exact two
 * statements TaskRepository runs for GET /api/v1/tasks with no parameters, then the data statement of
 * every sort (plain and with completed=false) by offset and by cursor. Exits 1 if any plan reads the
 * tasks table sequentially or has a Sort node.
 * --time  also starts the built app (`npm run build` first) on that database and times 500 sequential
 *         GET /api/v1/tasks requests of that user after 50 warm-up requests (p50/p90/p99/max).
 * --bench also times one deep page (sort=-createdAt) of the user with 30 000 tasks by OFFSET and by cursor.
 * --keep  keeps the database and prints its URL and the user's credentials.
 */
import 'reflect-metadata';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../src/config/load-config.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { createScratchDatabase } from '../src/database/scratch-database.js';
import { ListTasksQueryDto } from '../src/tasks/dto/list-tasks-query.dto.js';
import { TASK_SORTS, type TaskListPosition, TaskRepository, type TaskSort } from '../src/tasks/task.repository.js';
import { MetricsService } from '../src/metrics/metrics.service.js';
import { PasswordHasher } from '../src/users/password-hasher.service.js';

/** Tasks per user; the first user is the one measured. */
const TASKS_PER_USER = [10_000, 30_000, 20_000, 10_000, 10_000, 5_000, 5_000, 5_000, 3_000, 2_000];
const PASSWORD = 'explain-the-task-list-42';
const WARM_UP = 50;
const SAMPLES = 500;

const args = new Set(process.argv.slice(2));
const config = loadConfig();
if (!config.databaseUrl) {
  process.stderr.write('Set DATABASE_URL to a PostgreSQL server; a fresh database is created on it.\n');
  process.exit(2);
}
const serverUrl = config.databaseUrl;

async function seed(dataSource: DataSource): Promise<string[]> {
  const passwordHash = await new PasswordHasher(config, new MetricsService(config, dataSource)).hash(PASSWORD);
  const userIds: string[] = [];
  for (const [index, count] of TASKS_PER_USER.entries()) {
    const [{ id }] = await dataSource.query<{ id: string }[]>(
      'INSERT INTO users (email, name, password_hash, email_verified) VALUES ($1, $2, $3, true) RETURNING id',
      [`explain-${index}@example.com`, `Explain user ${index}`, passwordHash],
    );
    userIds.push(id);
    // Spread over a year, a third completed, 70 % with a due date, priorities and titles mixed.
    await dataSource.query(
      `INSERT INTO tasks (owner_id, title, description, completed, completed_at, priority, due_date, version, created_at, updated_at)
       SELECT $1::uuid, 'Task ' || g || ' ' || left(md5(g::text || $1::uuid::text), 8),
              CASE WHEN g % 4 = 0 THEN 'Notes about task ' || g END,
              g % 3 = 0, CASE WHEN g % 3 = 0 THEN created + interval '2 days' END,
              (ARRAY['low', 'medium', 'high']::task_priority[])[1 + (g * 7) % 3],
              CASE WHEN g % 10 < 7 THEN created + ((g % 60) * interval '1 day') END,
              1 + g % 3, created, created + interval '1 hour'
         FROM generate_series(1, $2::int) AS g,
              LATERAL (SELECT now() - (random() * interval '365 days') - (g * interval '1 millisecond') AS created) AS t`,
      [id, count],
    );
  }
  // VACUUM as autovacuum would soon: it sets the visibility map, which index-only scans need.
  await dataSource.query('VACUUM (ANALYZE)');
  return userIds;
}

async function explain(dataSource: DataSource, label: string, text: string, values: unknown[]): Promise<string> {
  await dataSource.query(text, values);
  const rows = await dataSource.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, values);
  const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
  process.stdout.write(`\n--- ${label}\n${text}\n-- parameters: ${JSON.stringify(values)}\n${plan}\n`);
  return plan;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilReady(base: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`the app exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the app did not become ready');
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function timeDefaultList(): Promise<void> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'tasknest-explain-'));
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { ...process.env, DATABASE_URL: databaseUrl.toString(), PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_PER_MIN: '1000000', RATE_LIMIT_AUTH_PER_MIN: '1000' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(base, child);
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'explain-0@example.com', password: PASSWORD }),
    });
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${await login.text()}`);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const headers = { Authorization: `Bearer ${accessToken}` };
    const durations: number[] = [];
    for (let request = 0; request < WARM_UP + SAMPLES; request++) {
      const startedAt = performance.now();
      const response = await fetch(`${base}/api/v1/tasks`, { headers });
      const body = (await response.json()) as { meta?: { total: number } };
      if (response.status !== 200 || body.meta?.total !== TASKS_PER_USER[0]) throw new Error(`unexpected answer ${response.status}`);
      if (request >= WARM_UP) durations.push(performance.now() - startedAt);
    }
    durations.sort((a, b) => a - b);
    const ms = (value: number) => `${value.toFixed(2)} ms`;
    process.stdout.write(
      `\n--- ${SAMPLES} sequential GET /api/v1/tasks (user with ${TASKS_PER_USER[0]} tasks, after ${WARM_UP} warm-up requests, built app, one client)\n` +
        `p50 ${ms(percentile(durations, 50))}  p90 ${ms(percentile(durations, 90))}  p99 ${ms(percentile(durations, 99))}  max ${ms(durations[durations.length - 1])}\n`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The position of the task in the middle of a sort, as a cursor would carry it. */
async function middle(dataSource: DataSource, repository: TaskRepository, userId: string, sort: TaskSort): Promise<TaskListPosition> {
  const { page } = repository.listQueries(userId, { sort, limit: 1, page: TASKS_PER_USER[0] / 2 });
  const [row] = await dataSource.query<{ id: string; cursor_key: string | null }[]>(page.text, page.values);
  return { key: row.cursor_key, id: row.id };
}

/** --bench: the same deep page (the last but one of the biggest user's tasks, sort=-createdAt) by OFFSET and by cursor. */
async function benchDeepPage(dataSource: DataSource, repository: TaskRepository, userId: string): Promise<void> {
  const limit = 20;
  const pageNumber = Math.floor(TASKS_PER_USER[1] / limit) - 1;
  const offset = repository.listQueries(userId, { sort: '-createdAt', limit, page: pageNumber });
  // The task just before that page: the one a cursor from the previous page stands on.
  const previous = repository.listQueries(userId, { sort: '-createdAt', limit: 1, page: (pageNumber - 1) * limit });
  const [before] = await dataSource.query<{ id: string; cursor_key: string }[]>(previous.page.text, previous.page.values);
  const keyset = repository.listQueries(userId, { sort: '-createdAt', limit, after: { key: before.cursor_key, id: before.id } });
  const time = async (text: string, values: unknown[]) => {
    const durations: number[] = [];
    for (let run = 0; run < 5 + 50; run++) {
      const startedAt = performance.now();
      await dataSource.query(text, values);
      if (run >= 5) durations.push(performance.now() - startedAt);
    }
    durations.sort((a, b) => a - b);
    return `p50 ${percentile(durations, 50).toFixed(2)} ms  p90 ${percentile(durations, 90).toFixed(2)} ms`;
  };
  const [offsetRows, keysetRows] = [await dataSource.query<{ id: string }[]>(offset.page.text, offset.page.values), await dataSource.query<{ id: string }[]>(keyset.page.text, keyset.page.values)];
  if (offsetRows.map((row) => row.id).join() !== keysetRows.map((row) => row.id).join()) throw new Error('the offset page and the cursor page differ');
  process.stdout.write(
    `\n--- page ${pageNumber} of ${limit} (user with ${TASKS_PER_USER[1]} tasks, sort=-createdAt), 50 runs of the data statement after 5 warm-up runs\n` +
      `by OFFSET: ${await time(offset.page.text, offset.page.values)}\nby cursor: ${await time(keyset.page.text, keyset.page.values)}\n`,
  );
}

const scratch = await createScratchDatabase(serverUrl, 'tasknest_explain');
const databaseUrl = new URL(scratch.url);
let exitCode = 0;
try {
  const dataSource = new DataSource({ ...buildDataSourceOptions({ url: databaseUrl.toString(), poolSize: 2 }), migrationsRun: false });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
    const seededAt = performance.now();
    const userIds = await seed(dataSource);
    const userId = userIds[0];
    process.stdout.write(`Seeded ${TASKS_PER_USER.reduce((sum, count) => sum + count, 0)} tasks for ${TASKS_PER_USER.length} users in ${Math.round(performance.now() - seededAt)} ms.\n`);

    const repository = new TaskRepository(dataSource);
    const defaultQuery = new ListTasksQueryDto();
    const { page, count } = repository.listQueries(userId, defaultQuery);
    const plans = [
      await explain(dataSource, `data page (sort=${defaultQuery.sort}, page=1, limit=${defaultQuery.limit})`, page.text, page.values),
      await explain(dataSource, 'count', count.text, count.values),
    ];
    // Every sort, by offset and by cursor (after the task in the middle of that order), plain and filtered.
    for (const sort of TASK_SORTS) {
      for (const filters of [{}, { completed: false }] as const) {
        const query = { sort, limit: defaultQuery.limit, ...filters };
        const label = `sort=${sort}${'completed' in filters ? ', completed=false' : ''}`;
        const offset = repository.listQueries(userId, { ...query, page: 3 });
        plans.push(await explain(dataSource, `data page (${label}, page=3)`, offset.page.text, offset.page.values));
        const after = await middle(dataSource, repository, userId, sort);
        const keyset = repository.listQueries(userId, { ...query, after });
        plans.push(await explain(dataSource, `data page (${label}, cursor after the middle task)`, keyset.page.text, keyset.page.values));
      }
    }
    if (plans.some((plan) => /Seq Scan on tasks/.test(plan) || /(^|->)\s*(Incremental )?Sort\b/m.test(plan))) {
      process.stderr.write('\nFAIL: a list plan reads the tasks table sequentially or sorts it.\n');
      exitCode = 1;
    } else {
      process.stdout.write(`\nOK: ${plans.length} plans, none reads tasks sequentially or sorts.\n`);
    }
    if (args.has('--bench')) await benchDeepPage(dataSource, repository, userIds[1]);
  } finally {
    await dataSource.destroy();
  }
  if (args.has('--time')) await timeDefaultList();
} finally {
  if (args.has('--keep')) {
    process.stdout.write(`\nKept ${databaseUrl.toString()} (user explain-0@example.com, password ${PASSWORD}).\n`);
  } else {
    await scratch.drop();
  }
}
process.exit(exitCode);
