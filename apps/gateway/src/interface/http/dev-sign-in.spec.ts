import express from 'express';
import request from 'supertest';
import { DEFAULT_JWT_ISSUER, DEV_JWT_SECRET, verifyToken, type JwtSettings } from '@tracker/auth';
import { devSignIn } from './dev-sign-in';

const dev: JwtSettings = { secret: DEV_JWT_SECRET, issuer: DEFAULT_JWT_ISSUER };
const appWith = (settings: JwtSettings) => {
  const app = express();
  app.use(devSignIn(settings));
  app.use((_req, res) => void res.status(418).end());
  return app;
};

describe(devSignIn.name, () => {
  it('issues a token for the chosen role and institution while the development secret is in use', async () => {
    const sut = appWith(dev);
    const offered = await request(sut).get('/auth/dev').expect(200);
    expect(offered.body).toEqual({ roles: ['admin', 'secretariat', 'focal-point', 'auditor', 'viewer'] });
    const res = await request(sut)
      .post('/auth/dev/token')
      .send({ role: 'focal-point', institution: 'ministry-of-justice' })
      .expect(201);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(verifyToken((res.body as { token: string }).token, dev)).toEqual({
      subject: 'dev-focal-point-ministry-of-justice',
      role: 'focal-point',
      institution: 'ministry-of-justice',
    });
  });

  it.each([
    ['another secret', { ...dev, secret: 'a-real-secret-nobody-published' }],
    ['a public key', { ...dev, publicKey: '-----BEGIN PUBLIC KEY-----' }],
    ['a JWKS endpoint', { ...dev, jwksUrl: 'https://idp.example/jwks' }],
  ])('refuses (404) with %s', async (_what, settings) => {
    const sut = appWith(settings);
    await request(sut)
      .get('/auth/dev')
      .expect(404)
      .expect('Content-Type', /problem\+json/);
    await request(sut).post('/auth/dev/token').send({ role: 'admin' }).expect(404);
  });

  it('answers a bad request with the field at fault, and passes other paths on', async () => {
    const sut = appWith(dev);
    const res = await request(sut).post('/auth/dev/token').send({ role: 'king' }).expect(400);
    expect((res.body as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual(['role']);
    await request(sut).post('/auth/dev/token').send('x'.repeat(2000)).expect(413);
    await request(sut).get('/auth/dev/token').expect(405).expect('Allow', 'POST');
    await request(sut).get('/api/tracker').expect(418);
  });
});
