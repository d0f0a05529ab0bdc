#!/usr/bin/env node
// Static checks of Dockerfile and docker-compose.yml (no Docker engine needed).
// Usage: node scripts/check-docker.mjs [--root DIR] [--env-example FILE]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({ options: { root: { type: 'string' }, 'env-example': { type: 'string' } } });
const root = resolve(opts.root ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
const envExamplePath = resolve(opts['env-example'] ?? join(root, '.env.example'));

let passed = 0;
let failed = 0;
function check(ok, description, hint = '') {
  if (ok) passed += 1;
  else failed += 1;
  console.log(`${ok ? 'ok' : 'not ok'} - ${description}${!ok && hint ? ` (${hint})` : ''}`);
}
function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}
function read(file) {
  const path = join(root, file);
  check(existsSync(path), `${file} exists`, path);
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

// ---------------- docker-compose.yml ----------------
let YAML = null;
try {
  YAML = await import('yaml');
} catch {
  check(false, 'the "yaml" package can be loaded', 'npm i -D yaml');
}
const composeText = read('docker-compose.yml');
let compose = null;
if (YAML && composeText !== null) {
  try {
    compose = YAML.parse(composeText);
  } catch (err) {
    check(false, 'docker-compose.yml is valid YAML', err.message.split('\n')[0]);
  }
}
if (compose) {
  const services = compose.services ?? {};
  for (const name of ['api', 'postgres', 'redis', 'mailpit']) check(name in services, `compose: service "${name}" exists`);
  const api = services.api ?? {};
  const dependsOn = api.depends_on ?? {};
  const healthyDep = (name) => !Array.isArray(dependsOn) && dependsOn[name]?.condition === 'service_healthy';
  const ports = (api.ports ?? []).map((p) => (typeof p === 'object' ? `${p.published}:${p.target}` : String(p)));
  check(api.build !== undefined, 'compose: api has a build');
  check(ports.some((p) => /(^|:)3000(\/tcp)?$/.test(p)), 'compose: api publishes container port 3000', `ports: ${ports.join(', ') || 'none'}`);
  check(healthTest(api).includes('/health/ready'), 'compose: api healthcheck hits /health/ready');
  check(healthyDep('postgres') && healthyDep('redis'), 'compose: api depends_on postgres and redis with condition service_healthy');

  const pg = services.postgres ?? {};
  const namedVolumes = (pg.volumes ?? [])
    .map((v) => (typeof v === 'object' ? v.source : String(v).split(':')[0]))
    .filter((src) => src && !/^[./~$]/.test(src));
  check(namedVolumes.length > 0 && namedVolumes.every((v) => compose.volumes && v in compose.volumes),
    'compose: postgres uses a named volume declared under top-level volumes', `named: ${namedVolumes.join(', ') || 'none'}`);
  check(healthTest(pg) !== '', 'compose: postgres has a healthcheck');
  check(healthTest(services.redis ?? {}) !== '', 'compose: redis has a healthcheck');

  const apiEnv = envOf(api);
  if (!existsSync(envExamplePath)) {
    check(false, 'compose: api environment names are known to the app', `${envExamplePath} is missing; cannot read the known variable names`);
  } else {
    const lines = readFileSync(envExamplePath, 'utf8').matchAll(/^\s*(?:#\s*)?([A-Z][A-Z0-9_]*)=/gm);
    const known = new Set(['NODE_ENV', ...[...lines].map((m) => m[1])]); // NODE_ENV is always known
    const unknown = Object.keys(apiEnv).filter((k) => !known.has(k));
    check(unknown.length === 0, 'compose: api environment names are all listed in .env.example', `unknown: ${unknown.join(', ')}`);
  }
  const literal = [];
  for (const [svcName, svc] of Object.entries(services)) {
    for (const [key, value] of Object.entries(envOf(svc ?? {}))) {
      const secretName = /SECRET|PASSWORD/.test(key); // an empty value passes the host's variable through
      if (secretName && value !== '' && !/^\$\{[A-Za-z_][A-Za-z0-9_]*(:?[?-][^}]*)?\}$/.test(value)) literal.push(`${svcName}.${key}`);
      const creds = /:\/\/[^:/@]+:([^@]*)@/.exec(value); // password inside a URL
      if (creds && !/^\$\{[^}]+\}$/.test(creds[1])) literal.push(`${svcName}.${key} (URL password)`);
    }
  }
  check(literal.length === 0, 'compose: no literal secrets (*SECRET*, *PASSWORD* and URL passwords are ${...} interpolations)', literal.join(', '));
}

function healthTest(svc) {
  const test = svc.healthcheck?.disable ? '' : svc.healthcheck?.test ?? '';
  return Array.isArray(test) ? (test[0] === 'NONE' ? '' : test.join(' ')) : String(test);
}
function envOf(svc) {
  const env = svc.environment ?? {};
  if (!Array.isArray(env)) return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]));
  return Object.fromEntries(env.map((e) => { const [k, ...rest] = String(e).split('='); return [k, rest.join('=')]; }));
}

// ---------------- Dockerfile ----------------
const dockerfile = read('Dockerfile');
if (dockerfile !== null) {
  const instructions = parseDockerfile(dockerfile);
  const stageStarts = instructions.flatMap((ins, i) => (ins.cmd === 'FROM' ? [i] : []));
  const finalStage = instructions.slice(stageStarts.at(-1) ?? 0);
  const last = (cmd) => finalStage.filter((i) => i.cmd === cmd).at(-1)?.args ?? '';
  const runs = instructions.filter((i) => i.cmd === 'RUN').map((i) => i.args);
  const user = last('USER').split(':')[0];
  const cmd = last('CMD');

  check(stageStarts.length >= 2, 'Dockerfile: multi-stage build (at least two FROM)', `found ${stageStarts.length}`);
  check(user !== '' && user !== 'root' && user !== '0', 'Dockerfile: final stage runs as a non-root USER', `USER: ${user || 'none'}`);
  check(last('HEALTHCHECK').includes('/health/ready'), 'Dockerfile: final stage HEALTHCHECK hits /health/ready');
  check(finalStage.some((i) => i.cmd === 'EXPOSE' && /(^|\s)3000(\/tcp)?(\s|$)/.test(i.args)), 'Dockerfile: EXPOSE 3000');
  check(runs.some((r) => /\bnpm ci\b/.test(r)), 'Dockerfile: installs with npm ci');
  check(runs.some((r) => /--omit=dev\b/.test(r)), 'Dockerfile: production deps only (--omit=dev)');
  check(cmd.startsWith('[') && cmd.includes('dist/src/main.js'), 'Dockerfile: CMD (exec form) runs dist/src/main.js', `CMD: ${cmd || 'none'}`);
  check(!instructions.some((i) => i.cmd === 'ADD' && /\bhttps?:\/\//i.test(i.args)), 'Dockerfile: no ADD of a remote URL');
}

function parseDockerfile(text) {
  const result = [];
  let current = '';
  for (const rawLine of text.split(/\r?\n/)) {
    if (/^\s*#/.test(rawLine)) continue; // comments (also inside continuations) are dropped
    const line = rawLine.replace(/\s+$/, '');
    if (line.endsWith('\\')) { current += `${line.slice(0, -1)} `; continue; }
    current += line;
    const match = /^\s*(\S+)\s*(.*)$/s.exec(current);
    if (match) result.push({ cmd: match[1].toUpperCase(), args: match[2].trim() });
    current = '';
  }
  if (current.trim()) result.push({ cmd: current.trim().split(/\s+/)[0].toUpperCase(), args: current.trim().replace(/^\S+\s*/, '') });
  return result;
}

finish();
