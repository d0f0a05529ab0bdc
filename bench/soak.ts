/**
 * `npm run bench:soak`: 200 000 mixed requests (SOAK_REQUESTS) against tasknest built from dist, on
 * a fresh database on DATABASE_URL; reports the server's RSS and heap after a warm-up and at the
 * end, sampled along the way, so a leak shows as a slope. Endpoints that answer 404 in this build
 * (tasks, before that module is in) are left out of the mix and named.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createScratchDatabase } from '../src/database/scratch-database.js';
import { ensureBuilt, startBuiltServer, type BuiltServer } from '../test/support/built-server.js';
import { askProbe } from './server-probe.js';

const env = process.env;
const TOTAL = Number(env.SOAK_REQUESTS ?? 200_000);
const WARMUP = Number(env.SOAK_WARMUP ?? 10_000);
const CONNECTIONS = Number(env.SOAK_CONNECTIONS ?? 20);
const PASSWORD = 'soak-otter-lantern-42';
const signed = (value: number) => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

interface Step {
  name: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  body?: string;
  auth?: 'good' | 'bad' | 'none';
  status: number;
}


function run(server: BuiltServer, steps: Step[], token: string, amount: number, onProgress?: (done: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    let done = 0;
    const instance = autocannon(
      {
        url: server.baseUrl,
        connections: CONNECTIONS,
        amount,
        requests: steps.map((step) => ({
          method: step.method,
          path: step.path,
          body: step.body,
          headers: {
            'content-type': 'application/json',
            ...(step.auth === 'good' ? { authorization: `Bearer ${token}` } : step.auth === 'bad' ? { authorization: 'Bearer not.a.token' } : {}),
          },
        })),
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('response', () => {
      done++;
      if (done % 20_000 === 0) onProgress?.(done);
    });
  });
}

async function main(): Promise<void> {
  const serverUrl = env.DATABASE_URL;
  if (!serverUrl) throw new Error('DATABASE_URL must point at a PostgreSQL server (a fresh database is created on it)');
  ensureBuilt();
  const scratch = await createScratchDatabase(serverUrl, 'tasknest_soak');
  const databaseUrl = scratch.url;
  // Cost 4: logins and registrations stay in the mix without the soak turning into a bcrypt run.
  const probeFile = join(tmpdir(), `tasknest-soak-probe-${process.pid}.json`);
  const server = await startBuiltServer(
    { DATABASE_URL: databaseUrl, BCRYPT_COST: '4', JWT_ACCESS_TTL: '1h', LOG_LEVEL: 'warn', BENCH_PROBE_FILE: probeFile },
    ['--import', new URL('./probe.mjs', import.meta.url).pathname, '--expose-gc'],
  );
  // RSS as the OS sees it, and the live heap after a full collection: a leak grows the second.
  const memory = async () => (await askProbe(server, probeFile)).memory;
  try {
    const email = `soak-${randomBytes(4).toString('hex')}@example.com`;
    const registered = await fetch(`${server.baseUrl}/api/v1/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const auth = (await registered.json()) as { accessToken: string; user: { id: string } };
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(`INSERT INTO tasks (owner_id, title) SELECT $1, 'Soak task ' || g FROM generate_series(1, 1000) AS g`, [auth.user.id]);
    const { rows } = await client.query<{ id: string }>('SELECT id FROM tasks WHERE owner_id = $1 LIMIT 1', [auth.user.id]);
    await client.end();

    const candidates: Step[] = [
      { name: 'GET /api/v1/users/me', method: 'GET', path: '/api/v1/users/me', auth: 'good', status: 200 },
      { name: 'PATCH /api/v1/users/me', method: 'PATCH', path: '/api/v1/users/me', body: JSON.stringify({ name: 'Soak' }), auth: 'good', status: 200 },
      { name: 'GET /api/v1/tasks', method: 'GET', path: '/api/v1/tasks', auth: 'good', status: 200 },
      { name: 'GET /api/v1/tasks/{id}', method: 'GET', path: `/api/v1/tasks/${rows[0].id}`, auth: 'good', status: 200 },
      { name: 'POST /api/v1/tasks', method: 'POST', path: '/api/v1/tasks', body: JSON.stringify({ title: 'Soak' }), auth: 'good', status: 201 },
      { name: 'POST /api/v1/auth/login', method: 'POST', path: '/api/v1/auth/login', body: JSON.stringify({ email, password: PASSWORD }), status: 200 },
      { name: 'GET /health/ready', method: 'GET', path: '/health/ready', status: 200 },
      { name: 'GET /api/v1/users/me, bad token (401)', method: 'GET', path: '/api/v1/users/me', auth: 'bad', status: 401 },
      { name: 'GET unknown route (404)', method: 'GET', path: '/api/v1/nothing-here', auth: 'good', status: 404 },
      { name: 'POST /api/v1/auth/register, invalid (400)', method: 'POST', path: '/api/v1/auth/register', body: JSON.stringify({ email: 'nope' }), status: 400 },
    ];
    const steps: Step[] = [];
    const skipped: string[] = [];
    for (const step of candidates) {
      const response = await fetch(server.baseUrl + step.path, {
        method: step.method,
        body: step.body,
        headers: { 'content-type': 'application/json', ...(step.auth === 'good' ? { authorization: `Bearer ${auth.accessToken}` } : step.auth === 'bad' ? { authorization: 'Bearer x' } : {}) },
      });
      await response.arrayBuffer();
      if (response.status === step.status) steps.push(step);
      else skipped.push(`${step.name} (answers ${response.status})`);
    }

    await run(server, steps, auth.accessToken, WARMUP);
    const start = await memory();
    const samples: string[] = [`| 0 (after ${WARMUP} warm-up requests) | ${start.rss} | ${start.heapUsed} |`];
    const pending: Promise<void>[] = [];
    const started = performance.now();
    const result = await run(server, steps, auth.accessToken, TOTAL, (done) => {
      pending.push(memory().then((now) => void samples.push(`| ${done} | ${now.rss} | ${now.heapUsed} |`)));
    });
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(pending);
    const end = await memory();

    const report = [
      `# tasknest soak`,
      '',
      `${new Date().toISOString()} · Node ${process.version} · ${TOTAL} requests over ${CONNECTIONS} connections in ${seconds.toFixed(0)} s (${(TOTAL / seconds).toFixed(0)} req/s), ` +
        `${result.non2xx} non-2xx (expected: the 401/404/400 steps), ${result.errors + result.timeouts} errors/timeouts`,
      '',
      `Mix, in turn on every connection: ${steps.map((step) => step.name).join(' · ')}${skipped.length ? `. Left out: ${skipped.join(', ')}` : ''}.`,
      '',
      '| requests | RSS MB | heap used after GC, MB |',
      '|---:|---:|---:|',
      ...samples,
      '',
      `RSS: start ${start.rss} MB, end ${end.rss} MB (${signed(end.rss - start.rss)} MB). ` +
        `Heap used after a full GC: start ${start.heapUsed} MB, end ${end.heapUsed} MB (${signed(end.heapUsed - start.heapUsed)} MB).`,
    ].join('\n');
    process.stdout.write(`\n${report}\n`);
    const results = new URL('./results/', import.meta.url);
    mkdirSync(results, { recursive: true });
    writeFileSync(new URL('soak-latest.md', results), `${report}\n`);
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await server.dispose();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
