import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, signDevToken } from '@tracker/auth';
import { startStack, type Stack } from '../support/stack';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');
const hs = { secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER };
const now = (): number => Math.floor(Date.now() / 1000);
const unsigned = (payload: object): string =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
    JSON.stringify(payload),
  ).toString('base64url')}.`;
const UNKNOWN_ID = '0190d4c8-0000-7000-8000-000000000000';

/** Every target must answer 401 problem+json: the gateway, and each service when called directly. */
const expect401 = async (targets: string[], token: string): Promise<void> => {
  for (const base of targets) {
    const res = await request(base)
      .get(`/api/recommendations/${UNKNOWN_ID}`)
      .set('Authorization', `Bearer ${token}`);
    expect({ base, status: res.status }).toEqual({ base, status: 401 });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
  }
};

describe('auth with the development HS256 secret', () => {
  let stack: Stack;
  let targets: string[];
  beforeAll(async () => {
    stack = await startStack();
    targets = [stack.gatewayUrl, stack.urls.recommendations];
  });
  afterAll(async () => {
    await stack?.close();
  });

  const bad: [string, () => string][] = [
    [
      'a bad signature',
      () => signDevToken({ ...hs, secret: 'not-the-secret-at-all!' }, { sub: 'x', role: 'admin' }),
    ],
    [
      'an expired token',
      () => jwt.sign({ role: 'admin', exp: now() - 120 }, hs.secret, { subject: 'x', issuer: hs.issuer }),
    ],
    ['alg=none', () => unsigned({ sub: 'x', role: 'admin', iss: hs.issuer, exp: now() + 600 })],
    ['a wrong issuer', () => signDevToken({ ...hs, issuer: 'elsewhere' }, { sub: 'x', role: 'admin' })],
    ['a missing role', () => jwt.sign({}, hs.secret, { subject: 'x', issuer: hs.issuer, expiresIn: 600 })],
    ['no expiry', () => jwt.sign({ role: 'admin' }, hs.secret, { subject: 'x', issuer: hs.issuer })],
    ['garbage', () => 'abc.def.ghi'],
  ];
  it.each(bad)('%s → 401 at the gateway and at the service', async (_name, make) => {
    await expect401(targets, make());
  });

  it('no token → 401 at both; a valid token passes', async () => {
    for (const base of targets) {
      const res = await request(base).get(`/api/recommendations/${UNKNOWN_ID}`);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      await request(base)
        .get(`/api/recommendations/${UNKNOWN_ID}`)
        .set('Authorization', `Bearer ${stack.token('viewer')}`)
        .expect(404);
    }
  });

  it('`npm run token -- --role R --institution I` prints a token the gateway accepts', async () => {
    const { stdout } = await run(
      'npm',
      ['run', '-s', 'token', '--', '--role', 'focal-point', '--institution', 'ministry-of-justice'],
      {
        cwd: REPO,
        timeout: 120_000,
        env: { ...process.env, JWT_SECRET: DEV_JWT_SECRET, JWT_ISSUER: DEFAULT_JWT_ISSUER },
      },
    );
    const token = stdout.trim().split('\n').pop()!;
    expect(jwt.decode(token)).toMatchObject({ role: 'focal-point', institution: 'ministry-of-justice' });
    await request(stack.gatewayUrl)
      .get(`/api/recommendations/${UNKNOWN_ID}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(404);
  });
});

describe('auth with RS256 keys from a JWKS endpoint', () => {
  const signing = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });
  let jwks: http.Server;
  let stack: Stack;
  let targets: string[];

  const rs = (payload: object, options: jwt.SignOptions = {}, key = signing.privateKey): string =>
    jwt.sign(payload, key, {
      algorithm: 'RS256',
      keyid: 'idp-1',
      issuer: hs.issuer,
      subject: 'idp-user',
      ...('exp' in payload ? {} : { expiresIn: 600 }),
      ...options,
    });

  beforeAll(async () => {
    jwks = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          keys: [{ ...signing.publicKey.export({ format: 'jwk' }), kid: 'idp-1', use: 'sig', alg: 'RS256' }],
        }),
      );
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    stack = await startStack({
      JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
    });
    targets = [stack.gatewayUrl, stack.urls.recommendations];
  });
  afterAll(async () => {
    await stack?.close();
    await new Promise((r) => jwks?.close(r));
  });

  it('an RS256 token signed by the listed key passes the gateway and the service', async () => {
    for (const base of targets)
      await request(base)
        .get(`/api/recommendations/${UNKNOWN_ID}`)
        .set('Authorization', `Bearer ${rs({ role: 'viewer' })}`)
        .expect(404);
  });

  const bad: [string, () => string][] = [
    ['the HS256 dev token', () => signDevToken(hs, { sub: 'x', role: 'admin' })],
    [
      'a token signed by another key under the same kid',
      () => rs({ role: 'admin' }, {}, stranger.privateKey),
    ],
    ['an unknown kid', () => rs({ role: 'admin' }, { keyid: 'idp-2' })],
    ['an expired token', () => rs({ role: 'admin', exp: now() - 120 })],
    ['a wrong issuer', () => rs({ role: 'admin' }, { issuer: 'elsewhere' })],
    ['a missing role', () => rs({})],
    ['alg=none', () => unsigned({ sub: 'x', role: 'admin', iss: hs.issuer, exp: now() + 600 })],
  ];
  it.each(bad)('%s → 401 at the gateway and at the service', async (_name, make) => {
    await expect401(targets, make());
  });
});
