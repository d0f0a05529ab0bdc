import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, exportJWK, importJWK, jwtVerify, SignJWT } from 'jose';
import jwt from 'jsonwebtoken';
import { JwtKeys } from '../src/auth/jwt-keys.js';
import { SigningKeysService } from '../src/auth/signing-keys/signing-keys.service.js';
import { eventually } from './support/eventually.js';
import { expectProblem, login, type RegisteredUser, registerUser } from './support/factories.js';
import { runKeysCli } from './support/keys-cli.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { claimsOf, getMe, refresh, sessionIdOf } from './support/tokens.js';

interface KeyRow extends Record<string, unknown> {
  kid: string;
  purpose: string;
  algorithm: string;
  state: string;
  legacy: boolean;
  private_key: string;
  public_jwk: Record<string, unknown> | null;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<string, unknown>;
const kidOf = (token: string) => String(headerOf(token).kid);

const keyRows = (t: TestApp) => t.sql<KeyRow>('SELECT kid, purpose, algorithm, state, legacy, private_key, public_jwk FROM signing_keys ORDER BY created_at, kid');
async function keyOf(t: TestApp, purpose: string, state: string): Promise<KeyRow> {
  const [row] = await t.sql<KeyRow>('SELECT kid, purpose, algorithm, state, legacy, private_key, public_jwk FROM signing_keys WHERE purpose = $1 AND state = $2', [purpose, state]);
  return row;
}
const stateOf = async (t: TestApp, kid: string) => (await t.sql<{ state: string }>('SELECT state FROM signing_keys WHERE kid = $1', [kid]))[0]?.state;

const ENCRYPTION_SECRET = 'b9d1f0a7c3e5b2d4f6a8c0e2b4d6f8a1';
const ES256_ENV = { JWT_ALGORITHM: 'ES256', JWT_KEY_ENCRYPTION_SECRET: ENCRYPTION_SECRET };

describe('signing keys with ES256 (JWKS, rotation, revocation)', () => {
  let t: TestApp;
  let second: TestApp;
  let baseUrl: string;
  let user: RegisteredUser;

  const accessClaims = () => ({ typ: 'access', sub: user.id, sid: sessionIdOf(user.accessToken), jti: randomUUID(), iss: t.config.jwt.issuer, aud: t.config.jwt.audience, iat: now(), exp: now() + 600 });
  const verifyOptions = () => ({ issuer: t.config.jwt.issuer, audience: t.config.jwt.audience, algorithms: ['ES256'] });

  beforeAll(async () => {
    t = await createTestApp({ listen: true, env: { ...ES256_ENV, JWT_KEY_POLL_INTERVAL: '1s' } });
    // The other instance polls at the default interval: revocations must reach it within 10 s.
    second = await createTestApp({ database: t.database, env: ES256_ENV });
    baseUrl = await t.app.getUrl();
    user = await registerUser(t);
  });

  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('signs access tokens with ES256 and the current kid, refresh tokens with their own HMAC ring; private keys are encrypted', async () => {
    const access = await keyOf(t, 'access', 'current');
    const refreshKey = await keyOf(t, 'refresh', 'current');
    expect(headerOf(user.accessToken)).toEqual({ alg: 'ES256', typ: 'JWT', kid: access.kid });
    expect(headerOf(user.refreshToken)).toEqual({ alg: 'HS256', typ: 'JWT', kid: refreshKey.kid });
    expect(access.algorithm).toBe('ES256');

    const rows = await keyRows(t);
    // Imported JWT_*_SECRET (legacy HS256), and for each ring a current and a next key.
    expect(rows.map((row) => [row.purpose, row.algorithm, row.state, row.legacy]).sort()).toEqual(
      [
        ['access', 'ES256', 'current', false],
        ['access', 'ES256', 'next', false],
        ['access', 'HS256', 'previous', true],
        ['refresh', 'HS256', 'current', true],
        ['refresh', 'HS256', 'next', false],
      ].sort(),
    );
    for (const row of rows) {
      expect(row.private_key).toMatch(/^v1\./);
      expect(JSON.stringify(row.public_jwk ?? {})).not.toMatch(/"d"/);
    }
    expect(rows.some((row) => row.private_key.includes(Buffer.from(t.config.jwt.refreshSecret ?? '').toString('base64url')))).toBe(false);
  });

  it('serves the next and current public keys at /.well-known/jwks.json, cacheable for 5 minutes', async () => {
    const response = await t.http().get('/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=300');
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const current = await keyOf(t, 'access', 'current');
    const next = await keyOf(t, 'access', 'next');
    expect(response.body.keys.map((key: { kid: string }) => key.kid).sort()).toEqual([current.kid, next.kid].sort());
    for (const key of response.body.keys) {
      expect(key).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' });
    }
  });

  it('lets a stock JWKS client (jose) verify an access token, before and after a rotation by the CLI, with one cached key set', async () => {
    const jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', baseUrl));
    const before = await jwtVerify(user.accessToken, jwks, verifyOptions());
    expect(before.payload).toEqual(expect.objectContaining({ sub: user.id, typ: 'access' }));

    const oldKid = kidOf(user.accessToken);
    const next = await keyOf(t, 'access', 'next');
    const cli = await runKeysCli(t.database.url, ['rotate', 'access'], { ...ES256_ENV });
    expect(cli).toEqual(expect.objectContaining({ code: 0, stderr: '' }));
    expect(cli.stdout).toContain(`access ${oldKid}: current → previous`);
    expect(cli.stdout).toContain(`access ${next.kid}: next → current`);

    // This instance picks the rotation up at its next poll: its new tokens carry the former next kid.
    const fresh = await eventually(async () => {
      const tokens = await login(t, user);
      return kidOf(tokens.accessToken) === next.kid && tokens;
    }, 15_000);
    expect((await getMe(t, fresh.accessToken)).status).toBe(200);
    expect((await getMe(t, user.accessToken)).status).toBe(200);
    expect((await getMe(second, user.accessToken)).status).toBe(200);
    expect((await getMe(second, fresh.accessToken)).status).toBe(200);

    // The new key was already in the cached set (published as next): no refetch needed, both verify.
    expect((await jwtVerify(fresh.accessToken, jwks, verifyOptions())).protectedHeader.kid).toBe(next.kid);
    expect((await jwtVerify(user.accessToken, jwks, verifyOptions())).protectedHeader.kid).toBe(oldKid);
    const listed = (await t.http().get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);
    expect(listed).toEqual(expect.arrayContaining([oldKid, next.kid]));
    expect(listed).toHaveLength(3);
    expect(await stateOf(t, oldKid)).toBe('previous');
  }, 90_000);

  it('rejects the previous key\'s tokens once its window (last token\'s expiry + 60 s) is over, and retires it', async () => {
    const oldKid = kidOf(user.accessToken);
    expect(await stateOf(t, oldKid)).toBe('previous');
    await t.sql(`UPDATE signing_keys SET deactivated_at = now() - interval '20 minutes', verify_until = now() - interval '1 second' WHERE kid = $1`, [oldKid]);

    // Refused once the instance has read the new window (each request checks it), and the row retired.
    await eventually(async () => (await getMe(t, user.accessToken)).status === 401, 15_000);
    expectProblem(await getMe(t, user.accessToken), 401);
    await eventually(async () => (await stateOf(t, oldKid)) === 'retired', 15_000);
    await eventually(async () => (await getMe(second, user.accessToken)).status === 401, 15_000);
    const listed = (await t.http().get('/.well-known/jwks.json')).body.keys.map((key: { kid: string }) => key.kid);
    expect(listed).not.toContain(oldKid);
    expect(listed).toHaveLength(2);

    // The session lives on: refreshing gives a token of the current key.
    const response = await refresh(t, user.refreshToken);
    expect(response.status).toBe(200);
    user = { ...user, ...response.body };
    expect(kidOf(user.accessToken)).toBe((await keyOf(t, 'access', 'current')).kid);
  }, 60_000);

  it('refuses a revoked kid at once on this instance and within 10 s on the other, while refresh still works', async () => {
    const kid = kidOf(user.accessToken);
    const next = await keyOf(t, 'access', 'next');
    expect((await getMe(second, user.accessToken)).status).toBe(200);

    const changes = await t.app.get(JwtKeys).revoke(kid);
    expect(changes).toEqual([
      { kid, purpose: 'access', from: 'current', to: 'revoked' },
      { kid: next.kid, purpose: 'access', from: 'next', to: 'current' },
    ]);
    expectProblem(await getMe(t, user.accessToken), 401);

    const startedAt = Date.now();
    await eventually(async () => (await getMe(second, user.accessToken)).status === 401, 15_000);
    expect(Date.now() - startedAt).toBeLessThan(10_000);

    // Clients just refresh: the refresh ring is untouched, and the new token has the new current kid.
    const response = await refresh(second, user.refreshToken);
    expect(response.status).toBe(200);
    expect(kidOf(response.body.accessToken)).toBe(next.kid);
    // The other instance signs with the next key too, once it has seen the revocation.
    expect((await getMe(second, response.body.accessToken)).status).toBe(200);
    expect((await getMe(t, response.body.accessToken)).status).toBe(200);
    user = { ...user, ...response.body };
    expect(await stateOf(t, kid)).toBe('revoked');
  }, 60_000);

  describe('refuses forged tokens with 401', () => {
    const attacker = generateKeyPairSync('ec', { namedCurve: 'P-256' });

    const signWithAttackerKey = (header: Record<string, unknown>) =>
      new SignJWT(accessClaims()).setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...header }).sign(attacker.privateKey);

    const forgeries: [string, () => Promise<string>][] = [
      ['an ES256 token with the current kid, signed by another key', async () => signWithAttackerKey({ kid: (await keyOf(t, 'access', 'current')).kid })],
      ['a jku header pointing at the attacker\'s key set', async () => signWithAttackerKey({ kid: (await keyOf(t, 'access', 'current')).kid, jku: 'https://attacker.example/jwks.json' })],
      ['an x5u header', async () => signWithAttackerKey({ kid: (await keyOf(t, 'access', 'current')).kid, x5u: 'https://attacker.example/cert.pem' })],
      ['an embedded jwk header (the attacker\'s own public key)', async () => signWithAttackerKey({ jwk: await exportJWK(attacker.publicKey) })],
      ['an embedded jwk header with our kid', async () => signWithAttackerKey({ kid: (await keyOf(t, 'access', 'current')).kid, jwk: await exportJWK(attacker.publicKey) })],
      ['HS256 signed with the current public key (algorithm confusion)', async () => {
        const current = await keyOf(t, 'access', 'current');
        const pem = createPublicKey({ key: current.public_jwk ?? {}, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
        const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: current.kid })}.${b64(accessClaims())}`;
        return `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
      }],
      ['HS256 signed with the current public key as a JWK string', async () => {
        const current = await keyOf(t, 'access', 'current');
        return jwt.sign(accessClaims(), JSON.stringify(current.public_jwk), { algorithm: 'HS256', keyid: current.kid });
      }],
      ['a kid that is not in the ring', async () => signWithAttackerKey({ kid: 'no-such-kid' })],
      ['a kid that is not a string', async () => signWithAttackerKey({ kid: 7 })],
    ];

    it.each(forgeries)('%s', async (_label, forge) => {
      const token = await forge();
      expectProblem(await getMe(t, token), 401);
    });

    it('accepts the same claims signed by the real current key (so the forgeries differ in the key only)', async () => {
      const response = await getMe(t, user.accessToken);
      expect(response.status).toBe(200);
      const jwk = (await keyOf(t, 'access', 'current')).public_jwk ?? {};
      await expect(importJWK(jwk, 'ES256')).resolves.toBeTruthy();
    });
  });

  it('answers 404 for the JWKS path under /api (it lives at the root, like /health)', async () => {
    expectProblem(await t.http().get('/api/.well-known/jwks.json'), 404);
  });
});

describe('signing keys with HS256 (the default)', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    // No JWT secrets at all, each with its own DATA_DIR: the keys come from the shared database.
    const env = { JWT_ACCESS_SECRET: '', JWT_REFRESH_SECRET: '' };
    a = await createTestApp({ env: { ...env, JWT_KEY_POLL_INTERVAL: '1s' } });
    b = await createTestApp({ database: a.database, env });
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('publishes no JWKS: 404 problem', async () => {
    expectProblem(await a.http().get('/.well-known/jwks.json'), 404);
  });

  it('lets two instances without secrets, on one database, accept each other\'s tokens', async () => {
    expect(a.config.jwt.accessSecret).toBeNull();
    expect(a.config.dataDir).not.toBe(b.config.dataDir);
    const user = await registerUser(a);
    expect(headerOf(user.accessToken)).toEqual({ alg: 'HS256', typ: 'JWT', kid: (await keyOf(a, 'access', 'current')).kid });
    expect((await getMe(b, user.accessToken)).status).toBe(200);
    const refreshed = await refresh(b, user.refreshToken);
    expect(refreshed.status).toBe(200);
    expect((await getMe(a, refreshed.body.accessToken)).status).toBe(200);
    expect(await keyRows(a)).toHaveLength(4);
    // Development without JWT_KEY_ENCRYPTION_SECRET: stored unencrypted.
    for (const row of await keyRows(a)) expect(row.private_key).toMatch(/^plain\./);
  });

  it('refuses an access token whose header names the kid of a refresh key (signed with that key)', async () => {
    const user = await registerUser(a);
    const refreshKey = await keyOf(a, 'refresh', 'current');
    const secret = Buffer.from(refreshKey.private_key.slice('plain.'.length), 'base64url');
    const forged = jwt.sign({ ...claimsOf(user.accessToken), jti: randomUUID() }, secret, { algorithm: 'HS256', keyid: refreshKey.kid });
    expectProblem(await getMe(a, forged), 401);
    // And the other way round: an access token is no refresh token, whatever its kid says.
    expectProblem(await refresh(a, user.accessToken), 401);
    const accessKey = await keyOf(a, 'access', 'current');
    const asAccess = jwt.sign({ ...claimsOf(user.accessToken), jti: randomUUID() }, Buffer.from(accessKey.private_key.slice('plain.'.length), 'base64url'), { algorithm: 'HS256', keyid: accessKey.kid });
    expect((await getMe(a, asAccess)).status).toBe(200);
  });

  it('logs no one out when both rings rotate during the run', async () => {
    const user = await registerUser(a);
    const before = { access: kidOf(user.accessToken), refresh: kidOf(user.refreshToken) };
    await a.app.get(JwtKeys).rotate('access');
    await a.app.get(JwtKeys).rotate('refresh');

    expect((await getMe(a, user.accessToken)).status).toBe(200);
    // The other instance signs with the new keys after its next poll (over HTTP: its new tokens' kid).
    await eventually(async () => kidOf((await login(b, user)).accessToken) !== before.access, 15_000);
    expect((await getMe(b, user.accessToken)).status).toBe(200);
    const response = await refresh(b, user.refreshToken);
    expect(response.status).toBe(200);
    expect(kidOf(response.body.accessToken)).not.toBe(before.access);
    expect(kidOf(response.body.refreshToken)).not.toBe(before.refresh);
    expect((await getMe(a, response.body.accessToken)).status).toBe(200);
    expect(await stateOf(a, before.refresh)).toBe('previous');
  });

  /** 31 days ago: the current key is due (JWT_KEY_ROTATION_INTERVAL 30d), and the next one long published. */
  async function backdateRing(t: TestApp): Promise<{ current: KeyRow; next: KeyRow }> {
    const current = await keyOf(t, 'access', 'current');
    const next = await keyOf(t, 'access', 'next');
    await t.sql(`UPDATE signing_keys SET activated_at = now() - interval '31 days' WHERE kid = $1`, [current.kid]);
    await t.sql(`UPDATE signing_keys SET created_at = now() - interval '31 days' WHERE purpose = 'access' AND state = 'next'`);
    return { current, next };
  }
  const countIn = async (t: TestApp, state: string) =>
    (await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM signing_keys WHERE purpose = 'access' AND state = $1`, [state]))[0].n;

  it('rotates once JWT_KEY_ROTATION_INTERVAL has passed, by one instance only when both try at the same moment', async () => {
    const { current, next } = await backdateRing(a);
    const previousBefore = await countIn(a, 'previous');

    const [fromA, fromB] = await Promise.all([a.app.get(SigningKeysService).rotateDue(), b.app.get(SigningKeysService).rotateDue()]);

    const rotations = [...fromA, ...fromB].filter((change) => change.to === 'current');
    expect(rotations).toEqual([{ kid: next.kid, purpose: 'access', from: 'next', to: 'current' }]);
    expect(await stateOf(a, current.kid)).toBe('previous');
    expect(await countIn(a, 'previous')).toBe(previousBefore + 1);
    expect(await countIn(a, 'current')).toBe(1);
    expect(await countIn(a, 'next')).toBe(1);
  });

  it('rotates by itself: the poll notices a due key ring', async () => {
    const { next } = await backdateRing(a);
    // Waits over HTTP only: the instance signs with the former next key once its poll has rotated.
    await eventually(async () => kidOf((await login(a, await registerUser(a))).accessToken) === next.kid, 15_000);
    expect(await stateOf(a, next.kid)).toBe('current');
  });
});

describe('npm run keys', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lists the keys, revokes one (its tokens 401 within the poll interval), and refuses an unknown kid', async () => {
    const user = await registerUser(t);
    const kid = kidOf(user.accessToken);

    const list = await runKeysCli(t.database.url, ['list']);
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')[0]).toMatch(/^purpose\s+kid\s+alg\s+state/);
    expect(list.stdout).toMatch(new RegExp(`access\\s+${kid}\\s+HS256\\s+current`));
    expect(list.stdout).not.toContain('plain.');

    const revoke = await runKeysCli(t.database.url, ['revoke', kid]);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toContain(`access ${kid}: current → revoked`);
    await eventually(async () => (await getMe(t, user.accessToken)).status === 401, 15_000);
    const response = await refresh(t, user.refreshToken);
    expect(response.status).toBe(200);
    expect((await getMe(t, response.body.accessToken)).status).toBe(200);

    expect(await runKeysCli(t.database.url, ['revoke', 'no-such-kid'])).toEqual({ code: 1, stdout: '', stderr: 'no signing key with kid no-such-kid\n' });
    const usage = await runKeysCli(t.database.url, ['frobnicate']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^usage: npm run keys -- list \| rotate/);
  }, 90_000);
});
