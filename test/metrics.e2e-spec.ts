import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { MetricsService } from '../src/metrics/metrics.service.js';
import { eventually } from './support/eventually.js';
import { bearer, registerUser, uniqueEmail } from './support/factories.js';
import { createTask } from './support/tasks.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createTestDatabase } from './support/test-database.js';

// jest ignores testTimeout inside `projects`; starting apps on a busy 2-core machine can take more than the default 5 s.
jest.setTimeout(30_000);

const DASHBOARD = new URL('../ops/grafana-dashboard.json', import.meta.url);
const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset']);

/** `name{labels} value` lines of a Prometheus text exposition, by series. */
function samples(text: string): { name: string; labels: string; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(\{.*\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not an exposition line: ${line}`);
      return { name: match[1], labels: match[2] ?? '', value: Number(match[3]) };
    });
}

/** The metric names a PromQL expression reads: what is left once strings, selectors, ranges, groupings and function names are gone. */
function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  return [...stripped.matchAll(/([a-zA-Z_:][\w:]*)(\s*\()?/g)].filter((match) => !match[2] && !PROMQL_WORDS.has(match[1])).map((match) => match[1]);
}

function dashboardQueries(): string[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: { targets: { expr: string }[] }[];
    templating: { list: { type: string; query?: string }[] };
  };
  const exprs = dashboard.panels.flatMap((panel) => panel.targets.map((target) => target.expr));
  // label_values(metric, label): only the first argument is a metric.
  const variables = dashboard.templating.list.filter((variable) => variable.type === 'query').map((variable) => /label_values\(\s*([^,)]+)/.exec(variable.query ?? '')?.[1] ?? '');
  return [...exprs, ...variables];
}

describe('metrics on METRICS_PORT', () => {
  let t: TestApp;
  let scrapeUrl: string;
  let taskId: string;

  const scrape = async () => {
    const response = await fetch(scrapeUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_PORT: '0', RATE_LIMIT_AUTH_PER_MIN: '3' } });
    const address = t.app.get(MetricsService).address();
    if (!address) throw new Error('the metrics listener is not up');
    scrapeUrl = `http://127.0.0.1:${address.port}/metrics`;

    const user = await registerUser(t);
    taskId = (await createTask(t, user, { title: 'measured' })).id;
    for (let i = 0; i < 3; i += 1) expect((await t.http().get(`/api/v1/tasks/${taskId}`).set(bearer(user.accessToken))).status).toBe(200);
    expect((await t.http().get('/api/v1/tasks').set(bearer(user.accessToken))).status).toBe(200);
    expect((await t.http().get('/api/v1/nothing-here/12345')).status).toBe(404);
    // The auth limit is 3 per minute per route: two failures, one success, then refusals.
    const attempt = (password: string) => t.http().post('/api/v1/auth/login').send({ email: user.email, password });
    expect((await attempt('wrong-password-1')).status).toBe(401);
    expect((await t.http().post('/api/v1/auth/login').send({ email: uniqueEmail('ghost'), password: 'whatever-password' })).status).toBe(401);
    expect((await attempt(user.password)).status).toBe(200);
    expect((await attempt(user.password)).status).toBe(429);
    expect((await attempt(user.password)).status).toBe(429);
  });

  afterAll(async () => {
    await t.close();
  });

  it('listens on 127.0.0.1 by default, and the API port has no /metrics', async () => {
    expect(t.app.get(MetricsService).address()?.address).toBe('127.0.0.1');
    expect((await t.http().get('/metrics')).status).toBe(404);
    expect((await fetch(scrapeUrl.replace('/metrics', '/other'))).status).toBe(404);
  });

  it('has the request-duration histogram by method, route template and status, never the raw path', async () => {
    const all = samples(await scrape());
    const count = (route: string, method: string, status: string) =>
      all.find(
        (sample) =>
          sample.name === 'http_server_request_duration_seconds_count' &&
          sample.labels.includes(`http_route="${route}"`) &&
          sample.labels.includes(`http_request_method="${method}"`) &&
          sample.labels.includes(`http_response_status_code="${status}"`),
      )?.value;
    expect(count('/api/v1/tasks/:id', 'GET', '200')).toBe(3);
    expect(count('/api/v1/tasks', 'GET', '200')).toBe(1);
    expect(count('/api/v1/tasks', 'POST', '201')).toBe(1);
    expect(count('/api/v1/auth/login', 'POST', '401')).toBe(2);
    expect(count('/api/v1/auth/login', 'POST', '429')).toBe(2);
    // A path that matched no route has no template: an empty label, not the path.
    expect(count('', 'GET', '404')).toBeGreaterThanOrEqual(1);
    const text = all.map((sample) => sample.labels).join('\n');
    expect(text).not.toContain(taskId);
    expect(text).not.toContain('nothing-here');
    // OpenTelemetry's default boundaries.
    const buckets = all
      .filter((sample) => sample.name === 'http_server_request_duration_seconds_bucket' && sample.labels.includes('http_route="/api/v1/tasks/:id"'))
      .map((sample) => /le="([^"]+)"/.exec(sample.labels)?.[1]);
    expect(buckets).toEqual(['0.005', '0.01', '0.025', '0.05', '0.075', '0.1', '0.25', '0.5', '0.75', '1', '2.5', '5', '7.5', '10', '+Inf']);
  });

  it('counts auth events by type and reason, and rate-limit rejections by scope', async () => {
    const text = await scrape();
    expect(text).toContain('tasknest_auth_events_total{type="register",reason=""} 1');
    expect(text).toContain('tasknest_auth_events_total{type="login.failed",reason="wrong_password"} 1');
    expect(text).toContain('tasknest_auth_events_total{type="login.failed",reason="unknown_account"} 1');
    expect(text).toContain('tasknest_auth_events_total{type="login.succeeded",reason=""} 1');
    // Two refusals, one event per client and window.
    expect(text).toContain('tasknest_rate_limit_rejections_total{scope="auth"} 2');
    expect(text).toContain('tasknest_auth_events_total{type="rate_limit.exceeded",reason="auth"} 1');
    const rows = await eventually(async () => {
      const found = await t.sql<{ type: string; reason: string; detail: unknown }>(`SELECT type, reason, detail FROM security_events WHERE type = 'rate_limit.exceeded'`);
      return found.length > 0 ? found : null;
    });
    expect(rows).toEqual([{ type: 'rate_limit.exceeded', reason: 'auth', detail: { route: '/api/v1/auth/login' } }]);
  });

  it('reports the database pool, the mail outbox, the password-hash queue and the process defaults', async () => {
    const all = samples(await scrape());
    const value = (name: string, labels = '') => all.find((sample) => sample.name === name && sample.labels.includes(labels))?.value;
    expect(value('tasknest_db_pool_connections', 'state="in_use"')).toBeGreaterThanOrEqual(0);
    expect(value('tasknest_db_pool_connections', 'state="idle"')).toBeGreaterThanOrEqual(0);
    expect(value('tasknest_db_pool_waiting_requests')).toBeGreaterThanOrEqual(0);
    expect(value('tasknest_password_hash_queue_depth')).toBe(0);
    expect(value('tasknest_mail_outbox_pending')).toBeGreaterThanOrEqual(0);
    expect(value('tasknest_mail_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect([name, value(name)]).toEqual([name, expect.any(Number)]);
    }
  });

  it('reports an unsent mail and its age from the outbox', async () => {
    await t.sql(`INSERT INTO mail_outbox (recipient, subject, text_body, html_body, next_attempt_at, created_at)
                 VALUES ('later@example.com', 'later', 'x', 'x', now() + interval '1 day', now() - interval '1 hour')`);
    const all = samples(await scrape());
    expect(all.find((sample) => sample.name === 'tasknest_mail_outbox_pending')?.value).toBeGreaterThanOrEqual(1);
    expect(all.find((sample) => sample.name === 'tasknest_mail_outbox_oldest_pending_age_seconds')?.value).toBeGreaterThanOrEqual(3600);
  });

  it('exports every metric the Grafana dashboard in ops/ queries', async () => {
    // From the `# TYPE` lines: a histogram with no observation yet (GC durations before the first GC) is exported all the same.
    const SERIES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };
    const exported = new Set(
      [...(await scrape()).matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) => (SERIES[type] ?? ['']).map((suffix) => name + suffix)),
    );
    const queried = [...new Set(dashboardQueries().flatMap(metricNamesIn))];
    expect(queried.length).toBeGreaterThanOrEqual(10);
    expect(queried.filter((name) => !exported.has(name))).toEqual([]);
  });
});

describe('metrics with METRICS_PORT unset', () => {
  it('opens no listener at all, collects no process metrics, and the API port has no /metrics', async () => {
    const database = await createTestDatabase();
    const servers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'TCPServerWrap').length;
    const before = servers();
    const t = await createTestApp({ database });
    try {
      expect(servers()).toBe(before);
      const metrics = t.app.get(MetricsService);
      expect(metrics.address()).toBeNull();
      expect(metrics.registry.getSingleMetric('process_cpu_seconds_total')).toBeUndefined();
      expect((await t.http().get('/metrics')).status).toBe(404);
    } finally {
      await t.close();
      await database.drop();
    }
  });

  it('opens exactly one listener with METRICS_PORT set', async () => {
    const database = await createTestDatabase();
    const servers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'TCPServerWrap').length;
    const before = servers();
    const t = await createTestApp({ database, env: { METRICS_PORT: '0' } });
    try {
      expect(servers()).toBe(before + 1);
    } finally {
      await t.close();
      await database.drop();
    }
  });
});
