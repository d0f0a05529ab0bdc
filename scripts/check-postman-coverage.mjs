#!/usr/bin/env node
// Fails when an operation of the OpenAPI document has no request in the Postman collection.
//
//   node scripts/check-postman-coverage.mjs [openapi.json] [collection.json]
//
// Defaults: openapi/openapi.json and openapi/tasknest.postman_collection.json of this repository.
// How a request matches an operation: see postman-openapi.mjs.
// Prints `ok` / `not ok` per operation and ends with the line `N passed, M failed`; exits 1 when
// something is not covered, 2 when a file cannot be read.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listOperations, listRequests, matchingOperations, readJson } from './postman-openapi.mjs';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const openapiFile = resolve(process.argv[2] ?? resolve(root, 'openapi/openapi.json'));
const collectionFile = resolve(process.argv[3] ?? resolve(root, 'openapi/tasknest.postman_collection.json'));

const openapi = readJson(openapiFile);
const collection = readJson(collectionFile);

const operations = listOperations(openapi, openapiFile).map((op) => ({ ...op, covered: [] }));

for (const r of listRequests(collection)) {
  if (!r.path) {
    console.log(`# warning: request "${r.name}" has no URL`);
    continue;
  }
  const matched = matchingOperations(r, operations);
  if (matched.length === 0) {
    console.log(`# warning: request "${r.name}" (${r.method} ${r.path}) matches no operation`);
    continue;
  }
  for (const op of matched) op.covered.push(r.name);
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
