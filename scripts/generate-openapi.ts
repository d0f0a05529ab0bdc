/**
 * Writes openapi/openapi.json from the decorators, without a database or a listening port.
 * `--check` compares instead and exits 1 when the committed file has drifted from the code.
 */
import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createApp } from '../src/app.setup.js';
import { createLogger } from '../src/common/logging/logger.js';
import { buildOpenApiDocument } from '../src/common/openapi/openapi-document.js';
import { loadConfig } from '../src/config/load-config.js';

const OUTPUT = 'openapi/openapi.json';
const check = process.argv.includes('--check');

const config = loadConfig({
  NODE_ENV: 'test',
  LOG_LEVEL: 'silent',
  JWT_ACCESS_SECRET: 'openapi-generation-only-access-key',
  JWT_REFRESH_SECRET: 'openapi-generation-only-refresh-key',
});
const app = await createApp(config, { url: 'postgres://unused@127.0.0.1:1/unused', poolSize: 1 }, { logger: createLogger(config), nestLogger: false, preview: true });
const generated = `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
await app.close();

if (check) {
  const committed = existsSync(OUTPUT) ? readFileSync(OUTPUT, 'utf8') : '';
  if (committed !== generated) {
    process.stderr.write(`${OUTPUT} is out of date: run \`npm run openapi\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(`${OUTPUT} matches the code.\n`);
} else {
  writeFileSync(OUTPUT, generated);
  process.stdout.write(`wrote ${OUTPUT}\n`);
}
