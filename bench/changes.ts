/**
 * `npm run bench:changes`: what the changes feed costs, on the real PostgreSQL named by
 * DATABASE_URL (a fresh database, dropped afterwards).
 *
 * 1. Write throughput with the change log (TaskRepository.update as shipped: a transaction that
 *    takes the user's counter row, NOTIFYs and updates the task) against the single UPDATE a
 *    write was before, at BENCH_CHANGES_WORKERS concurrent writers, for one user (every write
 *    queues on the same counter row) and for one user per writer. Modes alternate per round.
 * 2. BENCH_STREAMS (1000) idle SSE streams held open against the built server: its RSS and
 *    event-loop delay (bench/probe.mjs) before and while they are open, and how long one write per
 *    user takes to reach all of that user's streams.
 *
 * Env: DATABASE_URL (required) · BENCH_CHANGES_SECONDS per mode per scenario (6) · BENCH_CHANGES_ROUNDS (3) ·
 * BENCH_CHANGES_WORKERS (8) · BENCH_STREAMS (1000) · BENCH_IDLE_SECONDS (10) · BENCH_CHANGES_PART (writes|streams, default both). Writes bench/results/changes-latest.md.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { createScratchDatabase } from '../src/database/scratch-database.js';
import { TaskRepository } from '../src/tasks/task.repository.js';
import { ensureBuilt, startBuiltServer } from '../test/support/built-server.js';
import { askProbe } from './server-probe.js';

const ROOT = new URL('../', import.meta.url).pathname;
const env = process.env;
const SECONDS = Number(env.BENCH_CHANGES_SECONDS ?? 6);
const ROUNDS = Number(env.BENCH_CHANGES_ROUNDS ?? 3);
const WORKERS = Number(env.BENCH_CHANGES_WORKERS ?? 8);
const STREAMS = Number(env.BENCH_STREAMS ?? 1000);
const IDLE_SECONDS = Number(env.BENCH_IDLE_SECONDS ?? 10);
const STREAMS_PER_USER = 10;
const TASKS_PER_OWNER = 200;

const serverUrl = env.DATABASE_URL;
if (!serverUrl) throw new Error('bench:changes needs DATABASE_URL (a PostgreSQL server; it creates and drops its own database)');

const lines: string[] = [];
const say = (line = '') => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

async function writeThroughput(): Promise<void> {
  const database = await createScratchDatabase(serverUrl ?? '', 'tasknest_bench_changes');
  const dataSource = new DataSource(buildDataSourceOptions({ url: database.url, poolSize: WORKERS + 2 }));
  try {
    await dataSource.initialize();
    const repository = new TaskRepository(dataSource);
    const owners: { id: string; tasks: string[] }[] = [];
    for (let i = 0; i < WORKERS; i += 1) {
      const [{ id }] = await dataSource.query<{ id: string }[]>(`INSERT INTO users (email, password_hash) VALUES ($1, 'x') RETURNING id`, [`bench-${randomUUID()}@example.com`]);
      const tasks = await dataSource.query<{ id: string }[]>(
        `INSERT INTO tasks (owner_id, title, change_seq) SELECT $1, 'task ' || n, n FROM generate_series(1, $2) AS n RETURNING id`,
        [id, TASKS_PER_OWNER],
      );
      owners.push({ id, tasks: tasks.map((task) => task.id) });
    }

    const withoutLog = (ownerId: string, id: string, title: string) =>
      dataSource.query(
        `UPDATE tasks SET title = $3, version = version + 1, updated_at = now() WHERE id = $1 AND owner_id = $2
         RETURNING id, owner_id, title, description, completed, completed_at, priority, due_date, version, created_at, updated_at`,
        [id, ownerId, title],
      );
    const withLog = (ownerId: string, id: string, title: string) => repository.update(ownerId, id, { title }, null);
    type Write = typeof withoutLog | typeof withLog;

    const run = async (write: Write, ownerOf: (worker: number) => (typeof owners)[number]): Promise<number> => {
      let count = 0;
      const deadline = performance.now() + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: WORKERS }, async (_, worker) => {
          const owner = ownerOf(worker);
          // Each worker its own slice of the owner's tasks: the row lock measured is the counter's, not a task's.
          const slice = owner.tasks.filter((_, index) => index % WORKERS === worker);
          for (let n = 0; performance.now() < deadline; n += 1) {
            await write(owner.id, slice[n % slice.length], `w${worker} ${n}`);
            count += 1;
          }
        }),
      );
      return count / SECONDS;
    };

    say(`## Write throughput (${WORKERS} concurrent writers, ${SECONDS} s per mode, ${ROUNDS} alternating rounds, writes/s)`);
    say();
    say('| scenario | without change log | with change log | ratio |');
    say('|---|---|---|---|');
    const scenarios: [string, (worker: number) => (typeof owners)[number]][] = [
      ['one user (all writes queue on one counter row)', () => owners[0]],
      ['one user per writer', (worker) => owners[worker]],
    ];
    for (const [name, ownerOf] of scenarios) {
      await run(withLog, ownerOf); // warm-up
      let without = 0;
      let withChanges = 0;
      for (let round = 0; round < ROUNDS; round += 1) {
        without += await run(withoutLog, ownerOf);
        withChanges += await run(withLog, ownerOf);
      }
      say(`| ${name} | ${Math.round(without / ROUNDS)} | ${Math.round(withChanges / ROUNDS)} | ${(withChanges / without).toFixed(2)} |`);
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  }
}

interface Stream {
  events: number;
  request: http.ClientRequest;
}

function openStream(baseUrl: string, accessToken: string): Promise<Stream> {
  const url = new URL('/api/v1/tasks/events', baseUrl);
  return new Promise((resolve, reject) => {
    const request = http.get({ host: url.hostname, port: url.port, path: url.pathname, agent: false, headers: { Authorization: `Bearer ${accessToken}` } }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`stream answered ${response.statusCode}`));
      const stream: Stream = { events: 0, request };
      response.setEncoding('utf8');
      let ready = false;
      response.on('data', (chunk: string) => {
        stream.events += chunk.split('\nevent: ').length - 1;
        if (!ready && chunk.includes('id: ')) {
          ready = true;
          resolve(stream);
        }
      });
    });
    request.on('error', reject);
  });
}

async function idleStreams(): Promise<void> {
  ensureBuilt();
  const database = await createScratchDatabase(serverUrl ?? '', 'tasknest_bench_streams');
  const probeFile = join(tmpdir(), `tasknest-probe-changes-${process.pid}.json`);
  const server = await startBuiltServer(
    { DATABASE_URL: database.url, BCRYPT_COST: '4', BENCH_PROBE_FILE: probeFile, JWT_ACCESS_TTL: '1h' },
    ['--expose-gc', '--import', join(ROOT, 'bench/probe.mjs')],
  );
  const streams: Stream[] = [];
  try {
    const users: string[] = [];
    const userCount = Math.ceil(STREAMS / STREAMS_PER_USER);
    for (let i = 0; i < userCount; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, userCount - i) }, async () => {
          const response = await fetch(`${server.baseUrl}/api/v1/auth/register`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({ email: `bench-${randomUUID()}@example.com`, password: 'bench-otter-lantern-42' }),
          });
          const body = (await response.json()) as { accessToken: string };
          return body.accessToken;
        }),
      );
      users.push(...batch);
    }
    await sleep(2000);
    await askProbe(server, probeFile);
    await sleep(IDLE_SECONDS * 1000);
    const before = await askProbe(server, probeFile);

    for (let i = 0; i < STREAMS; i += 50) {
      streams.push(...(await Promise.all(Array.from({ length: Math.min(50, STREAMS - i) }, (_, j) => openStream(server.baseUrl, users[Math.floor((i + j) / STREAMS_PER_USER)])))));
    }
    await sleep(2000);
    await askProbe(server, probeFile);
    await sleep(IDLE_SECONDS * 1000);
    const idle = await askProbe(server, probeFile);

    // One write per user: every stream should get exactly one event.
    const started = performance.now();
    const statuses = await Promise.all(
      users.map((token) =>
        fetch(`${server.baseUrl}/api/v1/tasks`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: '{"title":"fan-out"}' }).then(
          (response) => response.status,
          () => 0,
        ),
      ),
    );
    const written = performance.now();
    // Only the streams of users whose create succeeded have something to receive.
    const expecting = streams.filter((_, index) => statuses[Math.floor(index / STREAMS_PER_USER)] === 201);
    while (expecting.some((stream) => stream.events < 1) && performance.now() - started < 30_000) await sleep(10);
    const delivered = performance.now();
    const during = await askProbe(server, probeFile);

    say();
    say(`## ${streams.length} idle SSE streams (${userCount} users × ${STREAMS_PER_USER}), built server on PostgreSQL`);
    say();
    say('| | RSS MB | heap used MB | loop delay p50 / p99 / max ms |');
    say('|---|---|---|---|');
    const row = (name: string, report: typeof idle) =>
      say(`| ${name} | ${report.memory.rss} | ${report.memory.heapUsed} | ${report.loopDelay.p50} / ${report.loopDelay.p99} / ${report.loopDelay.max} |`);
    row(`no stream, ${IDLE_SECONDS} s idle`, before);
    row(`${streams.length} streams open, ${IDLE_SECONDS} s idle`, idle);
    row(`${users.length} writes fanned out to ${streams.length} streams`, during);
    say();
    say(
      `Per stream ≈ ${(((idle.memory.rss - before.memory.rss) * 1024) / streams.length).toFixed(1)} kB of RSS, ${(((idle.memory.heapUsed - before.memory.heapUsed) * 1024) / streams.length).toFixed(1)} kB of heap (after a full GC). ` +
        `${users.length} concurrent creates took ${Math.round(written - started)} ms; ` +
        `${statuses.filter((status) => status === 201).length} answered 201 (others: ${statuses.filter((status) => status !== 201).join(', ') || 'none'}); ` +
        `${expecting.filter((stream) => stream.events >= 1).length}/${expecting.length} of their streams had the event ${Math.round(delivered - started)} ms after the first request.`,
    );
  } finally {
    for (const stream of streams) stream.request.destroy();
    await server.dispose();
    await database.drop();
  }
}

say(`# Changes feed bench (${new Date().toISOString()}, load average ${loadavg().map((load) => load.toFixed(1)).join(' ')})`);
say();
// BENCH_CHANGES_PART=writes or streams runs only that half.
if (env.BENCH_CHANGES_PART !== 'streams') await writeThroughput();
if (env.BENCH_CHANGES_PART !== 'writes') await idleStreams();
writeFileSync(join(ROOT, 'bench/results/changes-latest.md'), `${lines.join('\n')}\n`);
