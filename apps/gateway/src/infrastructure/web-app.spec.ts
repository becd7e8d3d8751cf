import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import express from 'express';
import request from 'supertest';
import { webApp } from './web-app';

describe(webApp.name, () => {
  let root: string;
  const sut = () => {
    const app = express();
    app.use(webApp(root));
    app.use((_req, res) => void res.status(418).end());
    return app;
  };

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'web-app-spec-'));
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
    writeFileSync(path.join(root, 'main-ABCDEF23.js'), 'console.log(1)');
    writeFileSync(path.join(root, 'main-ABCDEF23.js.gz'), gzipSync('console.log(1)'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('answers index.html for page paths (deep links), never cached', async () => {
    const res = await request(sut()).get('/items/0199aa00-0000-7000-8000-000000000000?x=1').expect(200);
    expect(res.text).toContain('<title>app</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('sends a hashed bundle gzipped when the browser accepts it, cached for good', async () => {
    const res = await request(sut()).get('/main-ABCDEF23.js').set('Accept-Encoding', 'gzip').expect(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['cache-control']).toContain('immutable');
    expect(res.text).toBe('console.log(1)');
  });

  it('leaves the API, the gateway’s own paths, missing files and climbs out of the build alone', async () => {
    for (const p of [
      '/api/tracker',
      '/docs',
      '/health',
      '/auth/dev',
      '/main-OLDHASH1.js',
      '/%2e%2e/secret.txt',
      '/%E0%A4%A',
      '/items/%zz',
    ])
      await request(sut()).get(p).expect(418);
    await request(sut()).post('/tracker').expect(418);
  });
});
