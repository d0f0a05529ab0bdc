#!/usr/bin/env node
// `npm run example:web`: the API (embedded database unless DATABASE_URL is set) and the reference web
// client (examples/web, Vite's dev server) together, on two origins:
//   API  http://localhost:$PORT (3000)      example  http://localhost:$WEB_PORT (5173)
// Installs the example's dependencies on first use, allows the example's origin through CORS_ORIGINS
// (added to any you set) and stops both when either stops or on Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const exampleDir = resolve(root, 'examples/web');
const apiPort = process.env.PORT ?? '3000';
const webPort = process.env.WEB_PORT ?? '5173';
const webOrigin = `http://localhost:${webPort}`;
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function runOrExit(args, cwd) {
  const result = spawnSync(npm, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(resolve(exampleDir, 'node_modules'))) runOrExit(['ci', '--no-audit', '--no-fund'], exampleDir);
runOrExit(['run', '-s', 'build'], root);
runOrExit(['run', '-s', 'generate'], exampleDir);

const corsOrigins = [process.env.CORS_ORIGINS, webOrigin].filter(Boolean).join(',');
const children = [
  spawn(process.execPath, ['dist/src/main.js'], { cwd: root, stdio: 'inherit', env: { ...process.env, PORT: apiPort, CORS_ORIGINS: corsOrigins } }),
  // vite itself rather than `npm run dev`, so that stopping it stops the server (npm would leave it running).
  spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--port', webPort], { cwd: exampleDir, stdio: 'inherit', env: { ...process.env, VITE_API_URL: `http://localhost:${apiPort}` } }),
];
console.log(`\nAPI on http://localhost:${apiPort} (Swagger UI at /docs), web example on ${webOrigin}\n`);

let stopping = false;
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  process.exitCode = code;
}
for (const child of children) child.on('exit', (code) => stopAll(code ?? 0));
process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
