/**
 * `npm run bench`: tasknest (built, from dist) against the floor (bench/floor.ts) on the real
 * PostgreSQL named by DATABASE_URL, in a fresh database that is dropped afterwards.
 *
 * Env: DATABASE_URL (required) · BENCH_DURATION seconds per endpoint per server (10) ·
 * BENCH_WARMUP seconds (2) · BENCH_ROUNDS (2: each server gets DURATION/ROUNDS seconds, alternately) · BENCH_CONNECTIONS (50) · BENCH_ONLY (substring of endpoint names) ·
 * BENCH_STORM=0 skips the login storm · BENCH_METRICS=0 skips list and get-by-id with metrics on vs off · BENCH_HEADERS=0 skips the writes with and without If-Match / Idempotency-Key · BENCH_STORM_READERS (10) ·
 * BENCH_ALGORITHMS=0 skips get-by-id with HS256 vs ES256 access tokens (a second tasknest with JWT_ALGORITHM=ES256) · BENCH_PROFILE=1 runs tasknest
 * under --cpu-prof and prints where its CPU time went (the numbers are then not representative).
 *
 * Prints one markdown table and writes it to bench/results/latest.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createScratchDatabase } from '../src/database/scratch-database.js';
import { ensureBuilt, freePort, startBuiltServer } from '../test/support/built-server.js';
import { summariseProfiles } from './profile-summary.js';
import { askProbe } from './server-probe.js';

const ROOT = new URL('../', import.meta.url).pathname;
const RESULTS = join(ROOT, 'bench/results');
const env = process.env;
const DURATION = Number(env.BENCH_DURATION ?? 10);
const WARMUP = Number(env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(env.BENCH_ROUNDS ?? 2);
const STORM_LOGINS = 20;
const STORM_READERS = Number(env.BENCH_STORM_READERS ?? 10);
const SEEDED_TASKS = 10_000;
/** Enough that a PATCH's If-Match is never overtaken by another connection's PATCH of the same task. */
const WRITABLE_TASKS = 1000;
const PASSWORD = 'bench-otter-lantern-42';

interface Seed {
  accessToken: string;
  email: string;
  taskId: string;
  /** Tasks the PATCH runs take in turn (none of them on the list's first page or taskId). */
  writableTaskIds: string[];
  databaseUrl: string;
}

interface Target {
  baseUrl: string;
  pid: number | undefined;
}

interface Endpoint {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  path(seed: Seed): string;
  body?: string;
  status: number;
  /** Per-request changes (a path, a header), for requests that cannot all be the same. */
  requests?(seed: Seed): autocannon.Request[];
  /** Runs before every load of this endpoint (not timed). */
  prepare?(seed: Seed): Promise<void>;
}

const CREATE_BODY = JSON.stringify({ title: 'Benchmark task', priority: 'high' });

/** What is measured. Adding an endpoint is one entry; it is skipped (with a note) while tasknest answers 404. */
const ENDPOINTS: Endpoint[] = [
  { name: 'GET /api/v1/tasks (default page)', method: 'GET', path: () => '/api/v1/tasks', status: 200 },
  { name: 'GET /api/v1/tasks/{id}', method: 'GET', path: (seed) => `/api/v1/tasks/${seed.taskId}`, status: 200 },
  { name: 'POST /api/v1/tasks', method: 'POST', path: () => '/api/v1/tasks', body: CREATE_BODY, status: 201 },
  { name: 'GET /api/v1/users/me', method: 'GET', path: () => '/api/v1/users/me', status: 200 },
];

const PATCH_BODY = JSON.stringify({ title: 'Benchmark patch', priority: 'low' });

/**
 * The ETag each writable task has now, as the last answer for it said, keyed by the id prefix that
 * the ETag itself carries (`"v<version>-<first 8 hex of the id>"`): autocannon may prepare a
 * connection's next request before the previous answer arrives, so per-connection context cannot
 * say which task an answer belongs to. Seeded tasks start at version 1.
 */
const currentEtags = new Map<string, string>();
const etagKey = (id: string) => id.slice(0, 8);

/**
 * PATCH /tasks/{id} over the writable tasks in turn, so two connections never write one task at
 * once; with If-Match each request names the version the previous answer for that task gave, so
 * every write passes the version check (a 412 would show up as non-2xx).
 */
function patchRequests(withIfMatch: boolean) {
  return (seed: Seed): autocannon.Request[] => {
    let next = 0;
    return [
      {
        method: 'PATCH',
        body: PATCH_BODY,
        setupRequest: (request) => {
          const id = seed.writableTaskIds[next++ % seed.writableTaskIds.length];
          const etag = currentEtags.get(etagKey(id)) ?? `"v1-${etagKey(id)}"`;
          return { ...request, path: `/api/v1/tasks/${id}`, headers: withIfMatch ? { ...request.headers, 'if-match': etag } : request.headers };
        },
        onResponse: (_status, _body, _context, headers) => {
          const etag = headers?.etag ?? headers?.ETag;
          const prefix = typeof etag === 'string' ? /^"v\d+-([0-9a-f]{8})"$/.exec(etag)?.[1] : undefined;
          if (prefix && typeof etag === 'string') currentEtags.set(prefix, etag);
        },
      },
    ];
  };
}

/**
 * Reads every writable task's version from the database: a PATCH cut off when a run ends still
 * bumps its task's version, and the answer that would have said so is never read. autocannon
 * drops those connections without waiting, so give the server a moment to finish them first.
 */
async function refreshEtags(seed: Seed): Promise<void> {
  await sleep(500);
  const client = new pg.Client({ connectionString: seed.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; version: number }>('SELECT id, version FROM tasks WHERE id = ANY($1::uuid[])', [seed.writableTaskIds]);
    for (const row of rows) currentEtags.set(etagKey(row.id), `"v${row.version}-${etagKey(row.id)}"`);
  } finally {
    await client.end();
  }
}

/** POST /tasks, each request with a fresh Idempotency-Key: the key's transaction runs every time. */
const postWithIdempotencyKey = (): autocannon.Request[] => [
  { method: 'POST', body: CREATE_BODY, setupRequest: (request) => ({ ...request, headers: { ...request.headers, 'idempotency-key': randomUUID() } }) },
];

/** Issue 9: what the ETag and Idempotency-Key machinery costs a write that does not use it, against one that does. */
const HEADER_PAIRS: [Endpoint, Endpoint][] = [
  [
    { name: 'PATCH /api/v1/tasks/{id} without If-Match', method: 'PATCH', path: (seed) => `/api/v1/tasks/${seed.taskId}`, body: PATCH_BODY, status: 200, requests: patchRequests(false) },
    { name: 'PATCH /api/v1/tasks/{id} with If-Match', method: 'PATCH', path: (seed) => `/api/v1/tasks/${seed.taskId}`, body: PATCH_BODY, status: 200, requests: patchRequests(true), prepare: refreshEtags },
  ],
  [
    { name: 'POST /api/v1/tasks without Idempotency-Key', method: 'POST', path: () => '/api/v1/tasks', body: CREATE_BODY, status: 201 },
    { name: 'POST /api/v1/tasks with Idempotency-Key', method: 'POST', path: () => '/api/v1/tasks', body: CREATE_BODY, status: 201, requests: postWithIdempotencyKey },
  ],
];

interface Measurement {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  unexpected: number;
  /** CPU the server process spent during the run. */
  cpuSeconds: number | null;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; null where /proc is missing. */
function cpuSeconds(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

async function load(baseUrl: string, endpoint: Endpoint, seed: Seed, seconds: number, connections: number, pid?: number): Promise<Measurement> {
  await endpoint.prepare?.(seed);
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url: baseUrl + endpoint.path(seed),
    method: endpoint.method,
    headers: { authorization: `Bearer ${seed.accessToken}`, 'content-type': 'application/json' },
    body: endpoint.body,
    requests: endpoint.requests?.(seed),
    connections,
    duration: seconds,
  });
  const cpuAfter = cpuSeconds(pid);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    unexpected: result.non2xx + result.errors + result.timeouts,
    cpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Warm both up, then alternate short runs (tasknest, floor, tasknest, …) so that a neighbour's
 * burst of CPU on a shared machine lands on both sides. req/s over all rounds, latency medians.
 */
async function measurePair(servers: [Target, Target], endpoints: Endpoint | [Endpoint, Endpoint], seed: Seed): Promise<[Measurement, Measurement]> {
  const [first, second] = await measureRounds(servers.map((server, side) => ({ server, endpoint: Array.isArray(endpoints) ? endpoints[side] : endpoints, seed })));
  return [first, second];
}

interface Side {
  server: Target;
  endpoint: Endpoint;
  seed: Seed;
}

/** measurePair for any number of sides, each with its own seed (its own token). */
async function measureRounds(sides: Side[]): Promise<Measurement[]> {
  const rounds: Measurement[][] = sides.map(() => []);
  for (const { server, endpoint, seed } of sides) if (WARMUP > 0) await load(server.baseUrl, endpoint, seed, WARMUP, CONNECTIONS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [side, { server, endpoint, seed }] of sides.entries()) rounds[side].push(await load(server.baseUrl, endpoint, seed, DURATION / ROUNDS, CONNECTIONS, server.pid));
  }
  const combine = (runs: Measurement[]): Measurement => ({
    rps: runs.reduce((sum, run) => sum + run.requests, 0) / DURATION,
    p50: median(runs.map((run) => run.p50)),
    p99: median(runs.map((run) => run.p99)),
    requests: runs.reduce((sum, run) => sum + run.requests, 0),
    unexpected: runs.reduce((sum, run) => sum + run.unexpected, 0),
    cpuSeconds: runs.some((run) => run.cpuSeconds === null) ? null : runs.reduce((sum, run) => sum + (run.cpuSeconds ?? 0), 0),
  });
  return rounds.map(combine);
}

async function probe(baseUrl: string, endpoint: Endpoint, seed: Seed): Promise<number> {
  const response = await fetch(baseUrl + endpoint.path(seed), {
    method: endpoint.method,
    headers: { authorization: `Bearer ${seed.accessToken}`, 'content-type': 'application/json' },
    body: endpoint.body,
  });
  await response.arrayBuffer();
  return response.status;
}

interface Answer {
  status: number;
  body: string;
  etag: string | null;
  location: string | null;
}

async function answer(baseUrl: string, method: string, path: string, seed: Seed, body?: string): Promise<Answer> {
  const response = await fetch(baseUrl + path, { method, headers: { authorization: `Bearer ${seed.accessToken}`, 'content-type': 'application/json' }, body });
  return { status: response.status, body: await response.text(), etag: response.headers.get('etag'), location: response.headers.get('location') };
}

/** A created task's body with what must differ between two creations (id, timestamps) blanked, key order kept. */
function withoutIdentity(body: string): string {
  const task = JSON.parse(body) as Record<string, unknown>;
  return JSON.stringify({ ...task, id: '<id>', createdAt: '<time>', updatedAt: '<time>' });
}

/**
 * The floor is only a floor if it answers exactly what tasknest answers: same bodies byte for byte
 * (new rows aside), same ETag and Location shapes. Any difference stops the bench.
 */
async function checkFloorMirrors(tasknest: string, floor: string, seed: Seed): Promise<void> {
  const differences: string[] = [];
  const compare = (what: string, ours: unknown, theirs: unknown) => {
    if (ours !== theirs) differences.push(`${what}:\n  tasknest ${String(ours).slice(0, 300)}\n  floor    ${String(theirs).slice(0, 300)}`);
  };
  for (const path of ['/api/v1/tasks', `/api/v1/tasks/${seed.taskId}`]) {
    const [ours, theirs] = await Promise.all([answer(tasknest, 'GET', path, seed), answer(floor, 'GET', path, seed)]);
    compare(`GET ${path} status`, ours.status, theirs.status);
    compare(`GET ${path} body`, ours.body, theirs.body);
    compare(`GET ${path} ETag`, ours.etag, theirs.etag);
  }
  const created = await Promise.all([answer(tasknest, 'POST', '/api/v1/tasks', seed, CREATE_BODY), answer(floor, 'POST', '/api/v1/tasks', seed, CREATE_BODY)]);
  compare('POST /api/v1/tasks status', created[0].status, created[1].status);
  compare('POST /api/v1/tasks body', withoutIdentity(created[0].body), withoutIdentity(created[1].body));
  for (const [side, reply] of ['tasknest', 'floor'].map((side, index) => [side, created[index]] as const)) {
    const { id } = JSON.parse(reply.body) as { id: string };
    compare(`POST /api/v1/tasks Location (${side})`, reply.location, `/api/v1/tasks/${id}`);
    compare(`POST /api/v1/tasks ETag (${side})`, reply.etag, `"v1-${id.slice(0, 8)}"`);
  }
  if (differences.length > 0) throw new Error(`the floor does not answer what tasknest answers:\n${differences.join('\n')}`);
  process.stderr.write('bench: the floor answers list, get and create byte for byte like tasknest\n');
}

async function waitUntilReady(baseUrl: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`${baseUrl} exited with ${child.exitCode}`);
    if (await fetch(`${baseUrl}/health/ready`).then((response) => response.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${baseUrl} did not become ready`);
}

async function startFloor(databaseUrl: string, secret: string, syncTokenSecret: string): Promise<{ baseUrl: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', join(ROOT, 'bench/floor.ts')], {
    cwd: ROOT,
    env: { PATH: env.PATH, DATABASE_URL: databaseUrl, JWT_ACCESS_SECRET: secret, SYNC_TOKEN_SECRET: syncTokenSecret, PORT: String(port), DATABASE_POOL_SIZE: '10' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilReady(baseUrl, child);
  return { baseUrl, child };
}

async function seed(baseUrl: string, databaseUrl: string): Promise<Seed> {
  const email = `bench-${randomBytes(4).toString('hex')}@example.com`;
  const response = await fetch(`${baseUrl}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, name: 'Bench' }),
  });
  if (response.status !== 201) throw new Error(`register answered ${response.status}: ${await response.text()}`);
  const auth = (await response.json()) as { accessToken: string; user: { id: string } };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(
    `INSERT INTO tasks (owner_id, title, description, priority, completed, completed_at, due_date, created_at, updated_at)
     SELECT $1, 'Task ' || g, CASE WHEN g % 3 = 0 THEN 'Notes for task ' || g END,
            (ARRAY['low', 'medium', 'high'])[1 + g % 3]::task_priority, g % 4 = 0,
            CASE WHEN g % 4 = 0 THEN now() END, CASE WHEN g % 5 = 0 THEN now() + g * interval '1 hour' END,
            now() - g * interval '1 minute', now() - g * interval '1 minute'
       FROM generate_series(1, $2::int) AS g`,
    [auth.user.id, SEEDED_TASKS],
  );
  await client.query('ANALYZE');
  const { rows } = await client.query<{ id: string }>('SELECT id FROM tasks WHERE owner_id = $1 ORDER BY created_at DESC LIMIT 1 OFFSET 5000', [auth.user.id]);
  const { rows: writable } = await client.query<{ id: string }>('SELECT id FROM tasks WHERE owner_id = $1 ORDER BY created_at DESC LIMIT $2 OFFSET 6000', [
    auth.user.id,
    WRITABLE_TASKS,
  ]);
  await client.end();
  return { accessToken: auth.accessToken, email, taskId: rows[0].id, writableTaskIds: writable.map((row) => row.id), databaseUrl };
}

/** An access token from this server (signed with its current key). */
async function loginToken(baseUrl: string, email: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }) });
  if (response.status !== 200) throw new Error(`login answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

const fmt = (value: number, digits = 0) => value.toFixed(digits);
/** The server's own CPU per request: unlike req/s, barely moved by other processes on the machine. */
const cpuPerRequest = (run: Measurement) => (run.cpuSeconds === null || run.requests === 0 ? '–' : fmt((run.cpuSeconds * 1e6) / run.requests));

async function main(): Promise<void> {
  const serverUrl = env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL must point at a PostgreSQL server (a fresh database is created on it)');
  ensureBuilt();

  // Undone in reverse order whatever happens, so a failed run leaves no server or database behind.
  const cleanup: (() => Promise<void>)[] = [];
  try {
    await run(serverUrl, cleanup);
  } finally {
    for (const step of cleanup.reverse()) await step();
  }
}

async function showServerVersion(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0].server_version;
  } finally {
    await client.end();
  }
}

async function run(serverUrl: string, cleanup: (() => Promise<void>)[]): Promise<void> {
  const scratch = await createScratchDatabase(serverUrl, 'tasknest_bench');
  cleanup.push(() => scratch.drop());
  const databaseUrl = scratch.url;
  const serverVersion = await showServerVersion(databaseUrl);
  const secret = randomBytes(32).toString('hex');
  const keyEncryptionSecret = randomBytes(32).toString('hex');
  const probeFile = join(tmpdir(), `tasknest-probe-${process.pid}.json`);
  const profileDir = join(RESULTS, 'profiles');
  const profiling = env.BENCH_PROFILE === '1';
  if (profiling) rmSync(profileDir, { recursive: true, force: true });

  const serverEnv = {
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '10',
    NODE_ENV: 'production',
    JWT_KEY_ENCRYPTION_SECRET: keyEncryptionSecret,
    // Imported as the current access key, so the floor (HS256 with this secret) accepts tasknest's tokens.
    JWT_ACCESS_SECRET: secret,
    JWT_REFRESH_SECRET: randomBytes(32).toString('hex'),
    SECURITY_EVENTS_HMAC_SECRET: randomBytes(32).toString('hex'),
    SYNC_TOKEN_SECRET: randomBytes(32).toString('hex'),
    MAIL_ENCRYPTION_KEY: randomBytes(32).toString('hex'),
    JWT_ACCESS_TTL: '1h',
    BCRYPT_COST: '12',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MIN: '10000000',
    RATE_LIMIT_AUTH_PER_MIN: '1000000',
    BENCH_PROBE_FILE: probeFile,
  };
  const tasknest = await startBuiltServer(
    serverEnv,
    ['--import', join(ROOT, 'bench/probe.mjs'), ...(profiling ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])],
  );
  cleanup.push(async () => {
    tasknest.child.kill('SIGTERM');
    await tasknest.exited;
    await tasknest.dispose();
  });
  const floor = await startFloor(databaseUrl, secret, serverEnv.SYNC_TOKEN_SECRET);
  cleanup.push(async () => void floor.child.kill('SIGTERM'));
  const lines: string[] = [];
  const data = await seed(tasknest.baseUrl, databaseUrl);
  await checkFloorMirrors(tasknest.baseUrl, floor.baseUrl, data);
  const rows: string[] = [];
  const ratios = new Map<string, number>();
  let listEndpoint: Endpoint | null = null;

  for (const endpoint of ENDPOINTS.filter((candidate) => !env.BENCH_ONLY || candidate.name.includes(env.BENCH_ONLY))) {
    const status = await probe(tasknest.baseUrl, endpoint, data);
    if (status !== endpoint.status) {
      rows.push(`| ${endpoint.name} | – | – | – | – | – | – | – | – | – | skipped: tasknest answers ${status}${status === 404 ? ' (not in this build)' : ''} |`);
      continue;
    }
    const floorStatus = await probe(floor.baseUrl, endpoint, data);
    if (floorStatus !== endpoint.status) throw new Error(`floor answers ${floorStatus} for ${endpoint.name}`);
    if (endpoint.name.startsWith('GET /api/v1/tasks (')) listEndpoint = endpoint;
    process.stderr.write(`bench: ${endpoint.name} …\n`);
    const [ours, theirs] = await measurePair([{ baseUrl: tasknest.baseUrl, pid: tasknest.child.pid }, { baseUrl: floor.baseUrl, pid: floor.child.pid }], endpoint, data);
    const ratio = ours.rps / theirs.rps;
    ratios.set(endpoint.name, ratio);
    const unexpected = ours.unexpected + theirs.unexpected;
    rows.push(
      `| ${endpoint.name} | ${fmt(ours.rps)} | ${fmt(ours.p50)} | ${fmt(ours.p99)} | ${cpuPerRequest(ours)} | ${fmt(theirs.rps)} | ${fmt(theirs.p50)} | ${fmt(theirs.p99)} | ${cpuPerRequest(theirs)} | **${fmt(ratio, 2)}** | ${unexpected ? `${unexpected} non-2xx/errors` : ''} |`,
    );
  }

  lines.push(
    `# tasknest bench`,
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${availableParallelism()} CPUs · PostgreSQL ${serverVersion} · ` +
      `${CONNECTIONS} connections · ${DURATION} s per endpoint per server (${ROUNDS} alternating rounds; p50/p99 are medians of rounds) after ${WARMUP} s warm-up · ` +
      `${SEEDED_TASKS} tasks seeded for one user · load average at start ${loadavg()[0].toFixed(1)}` +
      (profiling ? ' · **tasknest under --cpu-prof: not representative**' : ''),
    '',
    '| endpoint | tasknest req/s | p50 ms | p99 ms | CPU µs/req | floor req/s | p50 ms | p99 ms | CPU µs/req | tasknest / floor req/s | note |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows,
  );

  // Two fresh servers of the same build on the same database, started together and differing in
  // METRICS_PORT only (the first server is warmer by now, which would bias a comparison with it).
  const metricsEndpoints = ENDPOINTS.slice(0, 2).filter((endpoint) => !env.BENCH_ONLY || endpoint.name.includes(env.BENCH_ONLY));
  if (env.BENCH_METRICS !== '0' && metricsEndpoints.length > 0) {
    const start = (name: string, extra: Record<string, string>) => startBuiltServer({ ...serverEnv, ...extra, BENCH_PROBE_FILE: `${probeFile}.${name}` }, ['--import', join(ROOT, 'bench/probe.mjs')]);
    const [withoutMetrics, withMetrics] = await Promise.all([start('metrics-off', {}), start('metrics-on', { METRICS_PORT: '0' })]);
    for (const server of [withoutMetrics, withMetrics]) {
      cleanup.push(async () => {
        server.child.kill('SIGTERM');
        await server.exited;
        await server.dispose();
      });
    }
    const metricsRows: string[] = [];
    for (const endpoint of metricsEndpoints) {
      process.stderr.write(`bench: ${endpoint.name}, metrics off / on …
`);
      const [off, on] = await measurePair([{ baseUrl: withoutMetrics.baseUrl, pid: withoutMetrics.child.pid }, { baseUrl: withMetrics.baseUrl, pid: withMetrics.child.pid }], endpoint, data);
      const cpuRatio = off.cpuSeconds && on.cpuSeconds ? fmt(on.cpuSeconds / on.requests / (off.cpuSeconds / off.requests), 3) : '–';
      metricsRows.push(
        `| ${endpoint.name} | ${fmt(off.rps)} | ${cpuPerRequest(off)} | ${fmt(on.rps)} | ${cpuPerRequest(on)} | **${fmt(on.rps / off.rps, 3)}** | ${cpuRatio} | ${off.unexpected + on.unexpected ? `${off.unexpected + on.unexpected} non-2xx/errors` : ''} |`,
      );
    }
    lines.push(
      '',
      '## Metrics on (METRICS_PORT set) vs off: two fresh servers, alternating rounds, same database',
      '',
      '| endpoint | off req/s | CPU µs/req | on req/s | CPU µs/req | on / off req/s | on / off CPU µs/req | note |',
      '|---|---:|---:|---:|---:|---:|---:|---|',
      ...metricsRows,
    );
  }

  const pairs = HEADER_PAIRS.filter((pair) => !env.BENCH_ONLY || pair.some((endpoint) => endpoint.name.includes(env.BENCH_ONLY ?? '')));
  if (env.BENCH_HEADERS !== '0' && pairs.length > 0) {
    const headerRows: string[] = [];
    const self: Target = { baseUrl: tasknest.baseUrl, pid: tasknest.child.pid };
    for (const [without, withHeader] of pairs) {
      process.stderr.write(`bench: ${without.name} / ${withHeader.name} …\n`);
      const [plain, conditional] = await measurePair([self, self], [without, withHeader], data);
      for (const [endpoint, run] of [[without, plain], [withHeader, conditional]] as const) {
        headerRows.push(
          `| ${endpoint.name} | ${fmt(run.rps)} | ${fmt(run.p50)} | ${fmt(run.p99)} | ${cpuPerRequest(run)} | ${run === conditional ? `**${fmt(run.rps / plain.rps, 2)}**` : '1'} | ${run.unexpected ? `${run.unexpected} non-2xx/errors` : ''} |`,
        );
      }
    }
    lines.push(
      '',
      `## Writes with and without If-Match / Idempotency-Key (tasknest only, alternating rounds)`,
      '',
      'PATCH takes 1000 tasks in turn; with If-Match every request names the current version. Every POST with Idempotency-Key has a fresh key.',
      '',
      '| request | req/s | p50 ms | p99 ms | CPU µs/req | req/s vs without | note |',
      '|---|---:|---:|---:|---:|---:|---|',
      ...headerRows,
    );
  }

  if (env.BENCH_STORM !== '0') {
    // Until the tasks module is in, GET /users/me stands in for the list (same auth and session check).
    const reader = listEndpoint ?? ENDPOINTS[ENDPOINTS.length - 1];
    process.stderr.write(`bench: login storm …\n`);
    const calm = await load(tasknest.baseUrl, reader, data, DURATION, STORM_READERS);
    await askProbe(tasknest, probeFile);
    const login: Endpoint = { name: 'POST /api/v1/auth/login', method: 'POST', path: () => '/api/v1/auth/login', body: JSON.stringify({ email: data.email, password: PASSWORD }), status: 200 };
    const [logins, readers] = await Promise.all([load(tasknest.baseUrl, login, data, DURATION, STORM_LOGINS), load(tasknest.baseUrl, reader, data, DURATION, STORM_READERS)]);
    const delay = (await askProbe(tasknest, probeFile)).loopDelay;
    lines.push(
      '',
      `## Login storm: ${STORM_LOGINS} clients logging in continuously (BCRYPT_COST=12), ${STORM_READERS} clients on ${reader.name}`,
      '',
      '| | req/s | p50 ms | p99 ms | non-2xx/errors |',
      '|---|---:|---:|---:|---:|',
      `| ${reader.name}, no storm | ${fmt(calm.rps)} | ${fmt(calm.p50)} | ${fmt(calm.p99)} | ${calm.unexpected} |`,
      `| ${reader.name}, during the storm | ${fmt(readers.rps)} | ${fmt(readers.p50)} | **${fmt(readers.p99)}** | ${readers.unexpected} |`,
      `| POST /api/v1/auth/login (the storm) | ${fmt(logins.rps, 1)} | ${fmt(logins.p50)} | ${fmt(logins.p99)} | ${logins.unexpected} |`,
      '',
      `Event-loop delay inside tasknest during the storm (monitorEventLoopDelay, beyond its 10 ms sampling interval): p50 ${delay.p50} ms, p99 **${delay.p99} ms**, max ${delay.max} ms.`,
    );
  }

  const byIdEndpoint = ENDPOINTS.find((endpoint) => endpoint.name === 'GET /api/v1/tasks/{id}');
  if (env.BENCH_ALGORITHMS !== '0' && byIdEndpoint && (!env.BENCH_ONLY || byIdEndpoint.name.includes(env.BENCH_ONLY))) {
    // Last, because it moves the shared access ring to ES256 (the HS256 token stays valid as previous).
    process.stderr.write(`bench: ${byIdEndpoint.name} with HS256 and ES256 access tokens …\n`);
    const es256 = await startBuiltServer({
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '10',
      NODE_ENV: 'production',
      JWT_KEY_ENCRYPTION_SECRET: keyEncryptionSecret,
      SECURITY_EVENTS_HMAC_SECRET: serverEnv.SECURITY_EVENTS_HMAC_SECRET,
      SYNC_TOKEN_SECRET: serverEnv.SYNC_TOKEN_SECRET,
      MAIL_ENCRYPTION_KEY: serverEnv.MAIL_ENCRYPTION_KEY,
      JWT_ALGORITHM: 'ES256',
      JWT_ACCESS_TTL: '1h',
      BCRYPT_COST: '12',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MIN: '10000000',
      RATE_LIMIT_AUTH_PER_MIN: '1000000',
    });
    cleanup.push(async () => {
      es256.child.kill('SIGTERM');
      await es256.exited;
      await es256.dispose();
    });
    const es256Seed = { ...data, accessToken: await loginToken(es256.baseUrl, data.email) };
    const floorTarget: Target = { baseUrl: floor.baseUrl, pid: floor.child.pid };
    // One process serves both (it verifies the HS256 token with the imported key, now previous), so
    // the rows differ in the signature check only, not in warm-up or neighbours.
    const target: Target = { baseUrl: es256.baseUrl, pid: es256.child.pid };
    const algorithms = [['HS256', data], ['ES256', es256Seed]] as const;
    for (const [algorithm, seedFor] of algorithms) {
      const status = await probe(target.baseUrl, byIdEndpoint, seedFor);
      if (status !== 200) throw new Error(`${algorithm}: get-by-id answers ${status}`);
    }
    // Alternating rounds HS256, ES256, floor, HS256, …: warm-up and neighbours land on all three.
    const [hs256, es256Run, theirs] = await measureRounds([
      ...algorithms.map(([, seedFor]) => ({ server: target, endpoint: byIdEndpoint, seed: seedFor })),
      { server: floorTarget, endpoint: byIdEndpoint, seed: data },
    ]);
    const algorithmRows: string[] = [];
    for (const [algorithm, ours] of [['HS256', hs256], ['ES256', es256Run]] as const) {
      algorithmRows.push(
        `| ${algorithm} | ${fmt(ours.rps)} | ${fmt(ours.p50)} | ${fmt(ours.p99)} | ${cpuPerRequest(ours)} | ${fmt(theirs.rps)} | ${cpuPerRequest(theirs)} | **${fmt(ours.rps / theirs.rps, 2)}** | ${ours.unexpected + theirs.unexpected ? `${ours.unexpected + theirs.unexpected} non-2xx/errors` : ''} |`,
      );
    }
    lines.push(
      '',
      `## ${byIdEndpoint.name} by access-token algorithm (one tasknest process, a token of each; the floor always verifies HS256)`,
      '',
      '| algorithm | tasknest req/s | p50 ms | p99 ms | CPU µs/req | floor req/s | CPU µs/req | tasknest / floor req/s | note |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---|',
      ...algorithmRows,
    );
  }

  const list = ratios.get('GET /api/v1/tasks (default page)');
  const byId = ratios.get('GET /api/v1/tasks/{id}');
  lines.push('', `Targets: list and get-by-id ≥ 0.5 of the floor (now ${list === undefined ? 'not measured' : fmt(list, 2)} and ${byId === undefined ? 'not measured' : fmt(byId, 2)}), p99 < 50 ms at ${CONNECTIONS} connections, list p99 < 100 ms during the storm.`);
  // Stopped before the profiles are read: --cpu-prof writes them on exit.
  for (const step of cleanup.splice(1).reverse()) await step();

  const table = lines.join('\n') + '\n';
  process.stdout.write(`\n${table}`);
  if (profiling) {
    // A profiled run is not a result: it goes next to its profiles (git-ignored), latest.md stays.
    const summary = summariseProfiles(profileDir);
    writeFileSync(join(profileDir, 'summary.md'), `${table}\n${summary}\n`);
    process.stdout.write(`\n${summary}\n`);
  } else {
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'latest.md'), table);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
