import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { JWKS_MAX_AGE_SECONDS, KEY_PURPOSES, type KeyChange, SigningKeysService } from './auth/signing-keys/signing-keys.service.js';
import type { KeyPurpose } from './auth/signing-keys/signing-key.entity.js';
import { ConfigError, loadConfig } from './config/load-config.js';
import { buildDataSourceOptions } from './database/data-source-options.js';
import { startEmbeddedPostgres } from './database/embedded-postgres.js';

const USAGE = `usage: npm run keys -- list | rotate [access|refresh] | revoke <kid>
  list            every key of both rings, with its state
  rotate          next → current → previous, and a new next (both rings, or the one named)
  revoke <kid>    its tokens are refused at once (other instances: within JWT_KEY_POLL_INTERVAL);
                  a revoked current key is replaced by the next one
Works against DATABASE_URL, or the embedded database in DATA_DIR (stop the server first: PGlite has one owner).`;

const iso = (date: Date | null) => (date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');
const describe = (change: KeyChange) => `${change.purpose} ${change.kid}: ${change.from} → ${change.to}`;

async function run(service: SigningKeysService, [command, argument]: string[]): Promise<number> {
  if (command === 'list') {
    const rows = await service.list();
    const lines = rows.map((key) =>
      [key.purpose.padEnd(8), key.kid.padEnd(17), key.algorithm.padEnd(6), key.state.padEnd(9), iso(key.createdAt), iso(key.activatedAt), iso(key.verifyUntil), key.privateKey.startsWith('plain.') ? 'no' : 'yes'].join(' '),
    );
    process.stdout.write(
      `${['purpose ', 'kid'.padEnd(17), 'alg   ', 'state    ', 'created'.padEnd(20), 'activated'.padEnd(20), 'verifies until'.padEnd(20), 'encrypted'].join(' ')}\n${lines.join('\n')}\n`,
    );
    return 0;
  }
  if (command === 'rotate') {
    if (argument !== undefined && !KEY_PURPOSES.includes(argument as KeyPurpose)) {
      process.stderr.write(`${USAGE}\n`);
      return 2;
    }
    const purposes = argument === undefined ? KEY_PURPOSES : [argument as KeyPurpose];
    const young = (await service.list()).filter(
      (key) => key.purpose === 'access' && purposes.includes('access') && key.state === 'next' && Date.now() - key.createdAt.getTime() < JWKS_MAX_AGE_SECONDS * 1000,
    );
    for (const purpose of purposes) for (const change of await service.rotate(purpose)) process.stdout.write(`${describe(change)}\n`);
    for (const key of young) process.stdout.write(`note: ${key.kid} was published less than ${JWKS_MAX_AGE_SECONDS} s ago; a JWKS client with an older cached set refetches it on first sight.\n`);
    return 0;
  }
  if (command === 'revoke' && argument) {
    const changes = await service.revoke(argument);
    if (changes === null) {
      process.stderr.write(`no signing key with kid ${argument}\n`);
      return 1;
    }
    for (const change of changes) process.stdout.write(`${describe(change)}\n`);
    if (changes.some((change) => change.purpose === 'refresh' && change.to === 'revoked')) {
      process.stdout.write('note: every refresh token signed with it is refused too: those users log in again.\n');
    }
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

/** `npm run keys -- …`: the key rings by hand, with the same code the server uses. */
async function main(): Promise<number> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres({ dataDir: config.dataDir });
  const url = embedded?.url ?? config.databaseUrl ?? '';
  const dataSource = new DataSource(buildDataSourceOptions({ url, poolSize: 1 }));
  await dataSource.initialize();
  try {
    return await run(new SigningKeysService(dataSource, config), process.argv.slice(2));
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    // A ConfigError's message names the bad variables; anything else: its message, never a stack full of SQL.
    process.stderr.write(`keys: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
