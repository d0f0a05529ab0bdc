// How a Postman request maps onto an OpenAPI operation; shared by check-postman-coverage.mjs and
// postman-documented.mjs.
//
// A request matches an operation when its method is the same and its URL (without {{baseUrl}} or
// scheme/host, and without the query string) matches the path template segment by segment, where a
// `{param}` segment matches any one segment (a literal or a `{{var}}`). When several templates
// match one URL (/api/v1/tasks/{{taskId}} also fits /api/{userId}/tasks/{id}), only the most
// specific ones, those with the most literal segments, count, as a router would pick.
import { readFileSync } from 'node:fs';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export function readJson(file) {
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

/** The operations of an OpenAPI document: `{ method, template, segs }`, method upper-case. */
export function listOperations(openapi, file) {
  if (!openapi || typeof openapi.paths !== 'object' || openapi.paths === null) {
    console.error(`${file}: no "paths" object`);
    process.exit(2);
  }
  const operations = [];
  for (const [template, item] of Object.entries(openapi.paths)) {
    for (const method of METHODS) {
      if (item && item[method]) operations.push({ method: method.toUpperCase(), template, segs: segments(template) });
    }
  }
  return operations;
}

/**
 * The requests of a collection in run order: `{ name, folder, method, path, item }`, where `name` is
 * the folder trail and the request name joined by " / ", and `folder` the top-level folder.
 */
export function listRequests(collection) {
  const requests = [];
  (function walk(items, trail) {
    for (const it of items ?? []) {
      if (Array.isArray(it.item)) walk(it.item, [...trail, it.name]);
      else if (it.request) {
        const r = typeof it.request === 'string' ? { url: it.request, method: 'GET' } : it.request;
        requests.push({
          name: [...trail, it.name].join(' / '),
          folder: trail[0] ?? null,
          method: (r.method ?? 'GET').toUpperCase(),
          path: requestPath(r.url),
          item: it,
        });
      }
    }
  })(collection.item, []);
  return requests;
}

/** The operations a request matches (the most specific templates only); empty when none. */
export function matchingOperations(request, operations) {
  if (!request.path) return [];
  const pathSegs = segments(request.path);
  const candidates = operations
    .filter((op) => op.method === request.method)
    .map((op) => ({ op, score: matchScore(op.segs, pathSegs) }))
    .filter((c) => c.score >= 0);
  if (candidates.length === 0) return [];
  const best = Math.max(...candidates.map((c) => c.score));
  return candidates.filter((c) => c.score === best).map((c) => c.op);
}
