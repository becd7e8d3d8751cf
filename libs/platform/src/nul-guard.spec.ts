import express from 'express';
import request from 'supertest';
import { installJsonBodyParser } from './body-parsing';
import { nulPathOf } from './nul-guard';

describe('rejectNulCharacters', () => {
  const app = express();
  installJsonBodyParser(app);
  app.all('/{*rest}', (_req, res) => void res.json({ ok: true }));
  const sut = (): ReturnType<typeof request> => request(app);

  it('passes bodies, queries and paths without U+0000', async () => {
    await sut()
      .post('/things/a%20b?q=x')
      .send({ text: { en: 'fine' }, tags: ['a'] })
      .expect(200);
  });

  it.each([
    [
      'a body string',
      () =>
        sut()
          .post('/x')
          .send({ text: { en: 'a\u0000b' } }),
      'text.en',
    ],
    [
      'a body array item',
      () =>
        sut()
          .post('/x')
          .send({ themes: ['ok', '\u0000'] }),
      'themes.1',
    ],
    ['a body key', () => sut().post('/x').send({ 'k\u0000': 1 }), 'k\u0000'],
    ['a query value', () => sut().get('/x?q=a%00'), 'query.q'],
    ['the path', () => sut().get('/x/%00/y'), '(url path)'],
  ])('refuses U+0000 in %s with a 400 problem naming where', async (_what, send, path) => {
    const res = await send();
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({
      status: 400,
      title: 'Bad Request',
      type: 'https://tracker.example/problems/validation-failed',
      errors: [{ path, message: 'must not contain the NUL character (U+0000)' }],
    });
  });

  it('finds the first NUL anywhere in a parsed value', () => {
    expect(nulPathOf('a\u0000')).toBe('(root)');
    expect(nulPathOf({ a: [{ b: 'x' }, { c: 'y\u0000' }] })).toBe('a.1.c');
    expect(nulPathOf({ a: 1, b: null, c: [true] })).toBeNull();
  });
});

describe('deep JSON bodies', () => {
  const app = express();
  installJsonBodyParser(app);
  app.all('/{*rest}', (_req, res) => void res.json({ ok: true }));
  const deep = (depth: number): string => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

  it('refuses a body nested 10,000 levels deep with a 400 problem naming the limit', async () => {
    const res = await request(app).post('/x').set('Content-Type', 'application/json').send(deep(10_000));
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(res.text)).toMatchObject({
      status: 400,
      type: 'https://tracker.example/problems/json-too-deep',
      detail: expect.stringContaining('the limit is 64') as unknown,
    });
  });

  it('refuses it in UTF-16 too, and lets 64 levels through', async () => {
    // supertest JSON-serialises a Buffer under a JSON content type (`{"type":"Buffer",…}`, a malformed
    // body once read as UTF-16): the identity serialiser sends its bytes as they are.
    const asIs = (body: unknown): string => body as string;
    const res = await request(app)
      .post('/x')
      .set('Content-Type', 'application/json; charset=utf-16le')
      .serialize(asIs)
      .send(Buffer.from(`[${deep(100)}]`, 'utf16le'));
    expect(res.status).toBe(400);
    // The depth limit refused it, not the parser (a 400 malformed-json would pass the status check alone).
    expect(JSON.parse(res.text)).toMatchObject({ type: 'https://tracker.example/problems/json-too-deep' });
    await request(app).post('/x').set('Content-Type', 'application/json').send(deep(64)).expect(200);
    await request(app)
      .post('/x')
      .set('Content-Type', 'application/json; charset=utf-16le')
      .serialize(asIs)
      .send(Buffer.from(deep(64), 'utf16le'))
      .expect(200);
  });

  it('nulPathOf walks 100,000 levels without overflowing the stack', () => {
    let v: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i += 1) v = i % 2 ? [v] : { k: v };
    expect(nulPathOf(v)?.split('.')).toHaveLength(100_000);
  });
});
