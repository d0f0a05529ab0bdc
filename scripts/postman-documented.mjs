#!/usr/bin/env node
// Writes a copy of the Postman collection without the /api requests whose operation is not in the
// OpenAPI document yet, and prints a SKIPPED line for each folder that lost requests. Requests outside
// /api (health, /docs) are always kept. Once every operation is in the document the copy equals the
// collection, so nothing can be skipped silently: scripts/check-postman-coverage.mjs makes sure every
// documented operation has requests, and this makes sure they run.
//
//   node scripts/postman-documented.mjs <output.json> [openapi.json] [collection.json]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listOperations, listRequests, matchingOperations, readJson } from './postman-openapi.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const [output, openapiArg, collectionArg] = process.argv.slice(2);
if (!output) {
  console.error('usage: node scripts/postman-documented.mjs <output.json> [openapi.json] [collection.json]');
  process.exit(2);
}
const openapiFile = resolve(openapiArg ?? resolve(root, 'openapi/openapi.json'));
const collectionFile = resolve(collectionArg ?? resolve(root, 'openapi/tasknest.postman_collection.json'));

const operations = listOperations(readJson(openapiFile), openapiFile);
const collection = readJson(collectionFile);

const undocumented = listRequests(collection).filter((r) => r.path?.startsWith('/api/') && matchingOperations(r, operations).length === 0);
const dropped = new Set(undocumented.map((r) => r.item));

const prune = (items) =>
  items
    .filter((it) => !dropped.has(it))
    .map((it) => (Array.isArray(it.item) ? { ...it, item: prune(it.item) } : it))
    .filter((it) => !Array.isArray(it.item) || it.item.length > 0);

const byFolder = new Map();
for (const r of undocumented) {
  const folder = r.folder ?? '(top level)';
  if (!byFolder.has(folder)) byFolder.set(folder, { count: 0, operations: new Set() });
  byFolder.get(folder).count++;
  byFolder.get(folder).operations.add(`${r.method} ${r.path}`);
}
for (const [folder, { count, operations: ops }] of byFolder) {
  console.log(`SKIPPED: ${count} request(s) in "${folder}": not in the document yet: ${[...ops].join(', ')}`);
}

writeFileSync(output, `${JSON.stringify({ ...collection, item: prune(collection.item) }, null, 2)}\n`);
const total = listRequests(collection).length;
console.log(`${total - undocumented.length} of ${total} requests have their operation in the document`);
