import { createHmac, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import jwt from 'jsonwebtoken';
import { expectProblem, login, type RegisteredUser, registerUser } from './support/factories.js';
import { createTestApp, type TestApp } from './support/test-app.js';
import { claimsOf, refresh, sessionIdOf, sessionRow } from './support/tokens.js';

type Claims = Record<string, unknown>;

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A JWT with any header, HMAC-SHA256-signed with `secret` whatever the header says. */
function hmacToken(header: object, claims: Claims, secret: string): string {
  const input = `${b64(header)}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

function withoutExpiry(claims: Claims): Claims {
  return Object.fromEntries(Object.entries(claims).filter(([name]) => name !== 'exp'));
}

function unsigned(claims: Claims): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
}

/** Swaps the payload of a genuine token, keeping its header and signature. */
function withPayload(token: string, claims: Claims): string {
  const [header, , signature] = token.split('.');
  return `${header}.${b64(claims)}.${signature}`;
}

const { privateKey: rsaPrivateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('forged and misplaced tokens', () => {
  let t: TestApp;
  let user: RegisteredUser;
  let stranger: RegisteredUser;
  let accessSecret: string;
  let refreshSecret: string;

  const accessClaims = (overrides: Claims = {}): Claims => ({
    typ: 'access',
    sub: user.id,
    sid: sessionIdOf(user.accessToken),
    jti: randomUUID(),
    iss: t.config.jwt.issuer,
    aud: t.config.jwt.audience,
    iat: now(),
    exp: now() + 900,
    ...overrides,
  });

  const refreshClaims = (overrides: Claims = {}): Claims => ({ ...claimsOf(user.refreshToken), ...overrides });
  const sign = (claims: Claims, secret: string, algorithm: jwt.Algorithm = 'HS256') => jwt.sign(claims, secret, { algorithm });
  const getMeWith = (authorization: string) => t.http().get('/api/v1/users/me').set('Authorization', authorization);

  function expectUnauthorized(response: Parameters<typeof expectProblem>[0]): void {
    expectProblem(response, 401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="tasknest"/);
  }

  beforeAll(async () => {
    t = await createTestApp();
    user = await registerUser(t);
    stranger = await registerUser(t);
    accessSecret = t.config.jwt.accessSecret ?? '';
    refreshSecret = t.config.jwt.refreshSecret ?? '';
  });

  afterAll(async () => {
    await t.close();
  });

  it('accepts a genuine access token, and the tokens a test builds the same way (so the forgeries below differ in one thing only)', async () => {
    expect((await getMeWith(`Bearer ${user.accessToken}`)).status).toBe(200);
    expect((await getMeWith(`Bearer ${sign(accessClaims(), accessSecret)}`)).status).toBe(200);
    expect((await refresh(t, sign(refreshClaims(), refreshSecret))).status).toBe(200);
    user = { ...user, ...(await login(t, user)) };
  });

  describe('as an access token', () => {
    const forgeries: [string, () => string][] = [
      ['alg "none" with no signature', () => unsigned(accessClaims())],
      ['alg "none" with a genuine token\'s signature', () => `${unsigned(accessClaims())}${user.accessToken.split('.')[2]}`],
      ['alg "RS256", signed with an RSA key', () => jwt.sign(accessClaims(), rsaPrivateKey, { algorithm: 'RS256' })],
      ['alg "RS256" in the header over an HMAC made with the access key', () => hmacToken({ alg: 'RS256', typ: 'JWT' }, accessClaims(), accessSecret)],
      ['alg "HS512" with the access key', () => sign(accessClaims(), accessSecret, 'HS512')],
      ['a signature made with another key', () => sign(accessClaims(), randomBytes(32).toString('hex'))],
      ['a signature made with the refresh key', () => sign(accessClaims(), refreshSecret)],
      ['a wrong issuer', () => sign(accessClaims({ iss: 'someone-else' }), accessSecret)],
      ['a wrong audience', () => sign(accessClaims({ aud: 'another-api' }), accessSecret)],
      ['no issuer and no audience', () => sign(accessClaims({ iss: undefined, aud: undefined }), accessSecret)],
      ['an expiry in the past', () => sign(accessClaims({ iat: now() - 1000, exp: now() - 10 }), accessSecret)],
      ['no expiry at all', () => sign(withoutExpiry(accessClaims()), accessSecret)],
      ['a not-before in the future', () => sign(accessClaims({ nbf: now() + 600 }), accessSecret)],
      ['a payload swapped for another user\'s', () => withPayload(user.accessToken, accessClaims({ sub: stranger.id, sid: sessionIdOf(stranger.accessToken) }))],
      ['a tampered signature', () => {
        const [header, payload, signature] = user.accessToken.split('.');
        const middle = signature.length >> 1;
        return `${header}.${payload}.${signature.slice(0, middle)}${signature[middle] === 'A' ? 'B' : 'A'}${signature.slice(middle + 1)}`;
      }],
      ['a genuine refresh token', () => user.refreshToken],
      ['refresh claims signed with the access key', () => sign(refreshClaims(), accessSecret)],
      ['no typ', () => sign(accessClaims({ typ: undefined }), accessSecret)],
      ['a session id that does not exist', () => sign(accessClaims({ sid: randomUUID() }), accessSecret)],
      ['another user\'s session id under its own user id', () => sign(accessClaims({ sid: sessionIdOf(stranger.accessToken) }), accessSecret)],
      ['a user id that is not a UUID', () => sign(accessClaims({ sub: 'admin' }), accessSecret)],
      ['a token that is not a JWT at all', () => 'not.a.jwt'],
    ];

    it.each(forgeries)('rejects %s with 401 and WWW-Authenticate', async (_label, forge) => {
      expectUnauthorized(await getMeWith(`Bearer ${forge()}`));
    });

    it('ignores a token in the query string', async () => {
      for (const name of ['access_token', 'token', 'accessToken']) {
        expectUnauthorized(await t.http().get(`/api/v1/users/me?${name}=${user.accessToken}`));
      }
    });

    it('treats the scheme name case-insensitively (RFC 9110), but only Bearer', async () => {
      expect((await getMeWith(`bearer ${user.accessToken}`)).status).toBe(200);
      expect((await getMeWith(`BEARER ${user.accessToken}`)).status).toBe(200);
      expectUnauthorized(await getMeWith(`Basic ${user.accessToken}`));
      expectUnauthorized(await getMeWith(`Token ${user.accessToken}`));
      expectUnauthorized(await getMeWith('Bearer'));
      expectUnauthorized(await getMeWith(user.accessToken));
    });

    it('answers a missing token with 401 and a plain Bearer challenge', async () => {
      const response = await t.http().get('/api/v1/users/me');
      expectProblem(response, 401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="tasknest"');
    });
  });

  describe('as a refresh token', () => {
    const forgeries: [string, () => string][] = [
      ['a genuine access token', () => user.accessToken],
      ['refresh claims signed with the access key', () => sign(refreshClaims(), accessSecret)],
      ['access claims signed with the refresh key', () => sign(accessClaims(), refreshSecret)],
      ['alg "none"', () => unsigned(refreshClaims())],
      ['alg "RS256", signed with an RSA key', () => jwt.sign(refreshClaims(), rsaPrivateKey, { algorithm: 'RS256' })],
      ['alg "RS256" in the header over an HMAC made with the refresh key', () => hmacToken({ alg: 'RS256', typ: 'JWT' }, refreshClaims(), refreshSecret)],
      ['alg "HS512" with the refresh key', () => sign(refreshClaims(), refreshSecret, 'HS512')],
      ['a signature made with another key', () => sign(refreshClaims(), randomBytes(32).toString('hex'))],
      ['a wrong issuer', () => sign(refreshClaims({ iss: 'someone-else' }), refreshSecret)],
      ['a wrong audience', () => sign(refreshClaims({ aud: 'another-api' }), refreshSecret)],
      ['an expiry in the past', () => sign(refreshClaims({ iat: now() - 1000, exp: now() - 10 }), refreshSecret)],
      ['no expiry at all', () => sign(withoutExpiry(refreshClaims()), refreshSecret)],
      ['a generation changed in the payload', () => withPayload(user.refreshToken, refreshClaims({ gen: 7 }))],
      ['a session changed in the payload', () => withPayload(user.refreshToken, refreshClaims({ sid: sessionIdOf(stranger.accessToken), sub: stranger.id }))],
      ['no generation', () => sign(refreshClaims({ gen: undefined }), refreshSecret)],
      ['a generation that is not an integer', () => sign(refreshClaims({ gen: '0' }), refreshSecret)],
    ];

    it.each(forgeries)('rejects %s with 401', async (_label, forge) => {
      expectProblem(await refresh(t, forge()), 401);
    });

    it('takes the refresh token only from the body', async () => {
      // Without a token in the body the request is malformed (400), whatever the header or the query holds.
      expectProblem(await t.http().post('/api/v1/auth/refresh').set('Authorization', `Bearer ${user.refreshToken}`).send({}), 400);
      expectProblem(await t.http().post(`/api/v1/auth/refresh?refreshToken=${user.refreshToken}`).send({}), 400);
      expectProblem(await t.http().post('/api/v1/auth/refresh').send({ refreshToken: 12345 }), 400);
    });

    it('leaves the session untouched after all those attempts: the genuine refresh token still rotates', async () => {
      const before = await sessionRow(t, sessionIdOf(user.accessToken));
      expect(before).toEqual(expect.objectContaining({ refresh_generation: 0, revoked_at: null }));

      const response = await refresh(t, user.refreshToken);

      expect(response.status).toBe(200);
      expect(claimsOf(response.body.refreshToken).gen).toBe(1);
      expect((await sessionRow(t, sessionIdOf(stranger.accessToken)))?.revoked_at).toBeNull();
    });
  });
});
