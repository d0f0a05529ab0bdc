#!/usr/bin/env node
// The typed-client check: a generated client must compile against openapi/openapi.json and work
// against a running server.
//
//   node scripts/client-check.mjs [baseUrl]      (npm run client:check -- [baseUrl]; or BASE_URL)
//
// 1. openapi-typescript turns openapi/openapi.json into test/client/generated/tasknest-api.d.ts;
// 2. tsc type-checks the smoke scripts against it (a breaking change to the document fails here);
// 3. the smoke scripts run against the server with openapi-fetch.
// The tasks parts (test/client/smoke-tasks.ts, smoke-seed.ts) are checked and run only when the document has
// /api/v1/tasks; until then the script says SKIPPED.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const documentFile = resolve(root, 'openapi/openapi.json');
const generatedDir = resolve(root, 'test/client/generated');
const baseUrl = process.argv[2] ?? process.env.BASE_URL ?? 'http://localhost:3000';
const TASKS_PATH = '/api/v1/tasks';

function step(title, command, args) {
  console.log(`\n# ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`client check FAILED: ${title}`);
    process.exit(1);
  }
}

console.log(`# generate test/client/generated/tasknest-api.d.ts from openapi/openapi.json`);
const document = JSON.parse(readFileSync(documentFile, 'utf8'));
mkdirSync(generatedDir, { recursive: true });
writeFileSync(resolve(generatedDir, 'tasknest-api.d.ts'), astToString(await openapiTS(new URL(`file://${documentFile}`))));

const hasTasks = Boolean(document.paths?.[TASKS_PATH]);
const tsc = resolve(root, 'node_modules/typescript/bin/tsc');
const runTs = (file) => ['--import', '@swc-node/register/esm-register', file, baseUrl];

step('type-check the smoke scripts against the generated types', process.execPath, [tsc, '-p', hasTasks ? 'test/client/tsconfig.tasks.json' : 'test/client/tsconfig.json']);
step(`auth and users against ${baseUrl}`, process.execPath, runTs('test/client/smoke.ts'));
if (hasTasks) {
  step(`tasks against ${baseUrl}`, process.execPath, runTs('test/client/smoke-tasks.ts'));
  step(`the seed dialect against ${baseUrl}`, process.execPath, runTs('test/client/smoke-seed.ts'));
} else console.log(`\nSKIPPED: ${TASKS_PATH} not in the document yet (test/client/smoke-tasks.ts: create, list, get)`);
console.log('\nclient check: passed');
