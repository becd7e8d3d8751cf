import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET } from './errors';
import { InvalidTokenError, signDevToken, TokenVerifier, verifyToken } from './jwt';

const hs = { secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER };
const now = (): number => Math.floor(Date.now() / 1000);
const unsigned = (payload: object): string =>
  `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(
    JSON.stringify(payload),
  ).toString('base64url')}.`;

const rsa = (): { privateKey: KeyObject; publicKey: KeyObject } =>
  generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('verifyToken (HS256)', () => {
  it('accepts a dev token and returns its principal', () => {
    const token = signDevToken(hs, { sub: 'alice', role: 'focal-point', institution: 'ministry-of-justice' });
    expect(verifyToken(token, hs)).toEqual({
      subject: 'alice',
      role: 'focal-point',
      institution: 'ministry-of-justice',
    });
  });

  const bad: [string, () => string, RegExp][] = [
    [
      'a bad signature',
      () => signDevToken({ ...hs, secret: 'another-secret-of-enough-length' }, { sub: 'a', role: 'admin' }),
      /invalid signature/,
    ],
    [
      'an expired token',
      () => jwt.sign({ role: 'admin', exp: now() - 60 }, hs.secret, { subject: 'a', issuer: hs.issuer }),
      /jwt expired/,
    ],
    ['alg=none', () => unsigned({ sub: 'a', role: 'admin', iss: hs.issuer, exp: now() + 60 }), /.+/],
    [
      'a wrong issuer',
      () => signDevToken({ ...hs, issuer: 'somebody-else' }, { sub: 'a', role: 'admin' }),
      /issuer invalid/,
    ],
    [
      'a missing role',
      () => jwt.sign({}, hs.secret, { subject: 'a', issuer: hs.issuer, expiresIn: 60 }),
      /claims are invalid \(role\)/,
    ],
    [
      'an unknown role',
      () => jwt.sign({ role: 'root' }, hs.secret, { subject: 'a', issuer: hs.issuer, expiresIn: 60 }),
      /claims are invalid \(role\)/,
    ],
    [
      'no expiry',
      () => jwt.sign({ role: 'admin' }, hs.secret, { subject: 'a', issuer: hs.issuer }),
      /no expiry/,
    ],
    ['garbage', () => 'not.a.token', /.+/],
  ];
  it.each(bad)('rejects %s', (_name, make, why) => {
    expect(() => verifyToken(make(), hs)).toThrow(InvalidTokenError);
    expect(() => verifyToken(make(), hs)).toThrow(why);
  });
});

describe('verifyToken (RS256 with a PEM public key)', () => {
  const { privateKey, publicKey } = rsa();
  const settings = { ...hs, publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };

  it('accepts an RS256 token signed by the private key', () => {
    const token = jwt.sign({ role: 'auditor' }, privateKey, {
      algorithm: 'RS256',
      subject: 'carol',
      issuer: hs.issuer,
      expiresIn: 60,
    });
    expect(verifyToken(token, settings)).toMatchObject({ subject: 'carol', role: 'auditor' });
  });

  it('rejects HS256 tokens once RS256 is configured (no algorithm confusion)', () => {
    expect(() => verifyToken(signDevToken(hs, { sub: 'a', role: 'admin' }), settings)).toThrow(
      InvalidTokenError,
    );
    const confused = jwt.sign({ role: 'admin' }, hs.secret, {
      subject: 'a',
      issuer: hs.issuer,
      expiresIn: 60,
    });
    expect(() => verifyToken(confused, settings)).toThrow(/invalid algorithm/);
  });
});

describe(TokenVerifier.name, () => {
  const first = rsa();
  const second = rsa();
  let keys: object[] = [];
  let requests = 0;
  let server: http.Server;
  let url: string;

  const jwkOf = (k: KeyObject, kid: string): object => ({
    ...k.export({ format: 'jwk' }),
    kid,
    use: 'sig',
    alg: 'RS256',
  });
  const signRs = (k: KeyObject, kid: string | undefined, payload: object = { role: 'viewer' }): string =>
    jwt.sign(payload, k, {
      algorithm: 'RS256',
      subject: 'dave',
      issuer: hs.issuer,
      expiresIn: 60,
      ...(kid ? { keyid: kid } : {}),
    });

  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  it('verifies RS256 tokens with the JWKS key named by kid, and caches the key set', async () => {
    keys = [jwkOf(first.publicKey, 'k1')];
    requests = 0;
    const sut = new TokenVerifier({ ...hs, jwksUrl: url });
    await expect(sut.verify(signRs(first.privateKey, 'k1'))).resolves.toMatchObject({
      subject: 'dave',
      role: 'viewer',
    });
    await expect(sut.verify(signRs(first.privateKey, 'k1'))).resolves.toMatchObject({ subject: 'dave' });
    expect(requests).toBe(1);
  });

  it('rejects a token with an unknown kid, no kid, another key, HS256 or alg=none', async () => {
    keys = [jwkOf(first.publicKey, 'k1')];
    const sut = new TokenVerifier({ ...hs, jwksUrl: url });
    await expect(sut.verify(signRs(first.privateKey, 'nope'))).rejects.toThrow(/unknown signing key/);
    await expect(sut.verify(signRs(first.privateKey, undefined))).rejects.toThrow(/no kid/);
    await expect(sut.verify(signRs(second.privateKey, 'k1'))).rejects.toThrow(/invalid signature/);
    await expect(sut.verify(signDevToken(hs, { sub: 'a', role: 'admin' }))).rejects.toThrow(
      /invalid algorithm/,
    );
    await expect(sut.verify(unsigned({ sub: 'a', role: 'admin', iss: hs.issuer }))).rejects.toThrow(
      InvalidTokenError,
    );
    await expect(sut.verify(signRs(first.privateKey, 'k1', {}))).rejects.toThrow(/claims are invalid/);
  });

  it('picks up a rotated key when a token names a kid it has not seen (at most once per cooldown)', async () => {
    keys = [jwkOf(first.publicKey, 'k1')];
    const sut = new TokenVerifier({ ...hs, jwksUrl: url }, { cooldownMs: 300 });
    await sut.verify(signRs(first.privateKey, 'k1'));
    keys = [jwkOf(first.publicKey, 'k1'), jwkOf(second.publicKey, 'k2')];
    requests = 0;
    // Within the cooldown, a new kid does not reach the endpoint: made-up kids cannot flood it.
    await expect(sut.verify(signRs(second.privateKey, 'k2'))).rejects.toThrow(/unknown signing key/);
    await expect(sut.verify(signRs(second.privateKey, 'k2'))).rejects.toThrow(/unknown signing key/);
    expect(requests).toBe(0);
    await new Promise((r) => setTimeout(r, 350));
    await expect(sut.verify(signRs(second.privateKey, 'k2'))).resolves.toMatchObject({ subject: 'dave' });
    expect(requests).toBe(1);
  });

  it('checks the audience when one is configured', async () => {
    keys = [jwkOf(first.publicKey, 'k1')];
    const sut = new TokenVerifier({ ...hs, jwksUrl: url, audience: 'urn:tracker:api' });
    await expect(
      sut.verify(signRs(first.privateKey, 'k1', { role: 'viewer', aud: 'urn:tracker:api' })),
    ).resolves.toMatchObject({ role: 'viewer' });
    await expect(
      sut.verify(signRs(first.privateKey, 'k1', { role: 'viewer', aud: 'another-api' })),
    ).rejects.toThrow(/claim invalid: aud/);
    await expect(sut.verify(signRs(first.privateKey, 'k1'))).rejects.toThrow(/claim invalid: aud/);
  });

  it('fails closed when the JWKS endpoint cannot be read and no key is known', async () => {
    const sut = new TokenVerifier({ ...hs, jwksUrl: 'http://127.0.0.1:9/jwks.json' });
    await expect(sut.verify(signRs(first.privateKey, 'k1'))).rejects.toThrow(/signing keys unavailable/);
  });
});
