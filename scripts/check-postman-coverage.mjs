#!/usr/bin/env node
// Fails when an operation of the OpenAPI document has no request in the Postman collection.
//
//   node scripts/check-postman-coverage.mjs [openapi.json] [collection.json]
//
// Defaults: openapi/openapi.json and openapi/tasknest.postman_collection.json of this repository.
// A request covers an operation when its method is the same and its URL (without {{baseUrl}} or
// scheme/host, and without the query string) matches the path template segment by segment, where a
// `{param}` segment matches any one segment (a literal or a `{{var}}`). When several templates
// match one URL (/api/v1/tasks/{{taskId}} also fits /api/{userId}/tasks/{id}), only the most
// specific ones, those with the most literal segments, count as covered, as a router would pick.
// Prints `ok` / `not ok` per operation and ends with the line `N passed, M failed`; exits 1 when
// something is not covered, 2 when a file cannot be read.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const openapiFile = resolve(process.argv[2] ?? resolve(root, 'openapi/openapi.json'));
const collectionFile = resolve(process.argv[3] ?? resolve(root, 'openapi/tasknest.postman_collection.json'));

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    console.error(`cannot read ${file}: ${err.message}`);
    process.exit(2);
  }
}

const segments = (path) => path.split('/').filter(Boolean);

/** The path of a Postman request URL: no {{baseUrl}} or scheme/host, no query string or hash. */
function requestPath(url) {
  let raw = typeof url === 'string' ? url : url?.raw;
  if (!raw && url && typeof url === 'object') {
    const path = Array.isArray(url.path) ? url.path.join('/') : (url.path ?? '');
    raw = `{{baseUrl}}/${path}`;
  }
  if (!raw) return null;
  raw = raw.trim().split(/[?#]/)[0];
  raw = raw.replace(/^\{\{baseUrl\}\}/, '').replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return '/' + segments(raw).join('/');
}

/** Number of literal segments matched, or -1 when the path does not fit the template. */
function matchScore(templateSegs, pathSegs) {
  if (templateSegs.length !== pathSegs.length) return -1;
  let literals = 0;
  for (let i = 0; i < templateSegs.length; i++) {
    const t = templateSegs[i];
    const p = pathSegs[i];
    if (/^\{[^{}]+\}$/.test(t)) {
      if (p === '') return -1;
      continue;
    }
    if (t !== p) return -1;
    literals++;
  }
  return literals;
}

const openapi = readJson(openapiFile);
const collection = readJson(collectionFile);

if (!openapi || typeof openapi.paths !== 'object' || openapi.paths === null) {
  console.error(`${openapiFile}: no "paths" object`);
  process.exit(2);
}

const operations = [];
for (const [template, item] of Object.entries(openapi.paths)) {
  for (const method of METHODS) {
    if (item && item[method]) {
      operations.push({ method: method.toUpperCase(), template, segs: segments(template), covered: [] });
    }
  }
}

const requests = [];
(function walk(items, trail) {
  for (const it of items ?? []) {
    if (Array.isArray(it.item)) walk(it.item, [...trail, it.name]);
    else if (it.request) {
      const r = typeof it.request === 'string' ? { url: it.request, method: 'GET' } : it.request;
      requests.push({ name: [...trail, it.name].join(' / '), method: (r.method ?? 'GET').toUpperCase(), path: requestPath(r.url) });
    }
  }
})(collection.item, []);

for (const r of requests) {
  if (!r.path) {
    console.log(`# warning: request "${r.name}" has no URL`);
    continue;
  }
  const pathSegs = segments(r.path);
  const candidates = operations
    .filter((op) => op.method === r.method)
    .map((op) => ({ op, score: matchScore(op.segs, pathSegs) }))
    .filter((c) => c.score >= 0);
  if (candidates.length === 0) {
    console.log(`# warning: request "${r.name}" (${r.method} ${r.path}) matches no operation`);
    continue;
  }
  const best = Math.max(...candidates.map((c) => c.score));
  for (const c of candidates) if (c.score === best) c.op.covered.push(r.name);
}

let passed = 0;
let failed = 0;
for (const op of operations) {
  if (op.covered.length > 0) {
    passed++;
    console.log(`ok ${op.method} ${op.template}`);
  } else {
    failed++;
    console.log(`not ok ${op.method} ${op.template}  (no request in the collection covers it)`);
  }
}
if (operations.length === 0) console.log('# warning: the OpenAPI document has no operations');
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
