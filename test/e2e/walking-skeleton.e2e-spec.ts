import request from 'supertest';
import { waitFor } from '@tracker/testing';
import { startStack, type Stack } from '../support/stack';
import { gbvLawRequest } from '../support/requests';

const gbvLaw = gbvLawRequest('e2e-hrc-res-40-26-op11');

describe('walking skeleton: gateway → recommendations → MongoDB → Kafka → both read models', () => {
  let stack: Stack;
  let secretariat: string;

  beforeAll(async () => {
    stack = await startStack();
    secretariat = `Bearer ${stack.token('secretariat')}`;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('posts a recommendation and reads it back from the catalogue and the tracker', async () => {
    const created = await request(stack.gatewayUrl)
      .post('/api/recommendations')
      .set('Authorization', secretariat)
      .send(gbvLaw)
      .expect(201);
    const id = (created.body as { recommendationId: string }).recommendationId;
    expect(created.headers.location).toBe(`/api/recommendations/${id}`);
    expect(created.headers.etag).toBe('"1"');

    const catalogue = await waitFor(
      async () => {
        const res = await request(stack.gatewayUrl)
          .get(`/api/recommendations/${id}`)
          .set('Authorization', secretariat);
        return res.status === 200 ? (res.body as Record<string, unknown>) : undefined;
      },
      { what: 'the catalogue entry' },
    );
    expect(catalogue).toMatchObject({
      recommendationId: id,
      mechanism: 'hrc-resolution',
      document: { citation: 'A/HRC/RES/40/26 OP11' },
      text: { en: gbvLaw.text.en, fr: null },
      version: 1,
    });

    const row = await waitFor(
      async () => {
        const res = await request(stack.gatewayUrl)
          .get(`/api/tracker/items/${id}`)
          .set('Authorization', secretariat);
        return res.status === 200 ? (res.body as Record<string, unknown>) : undefined;
      },
      { what: 'the tracker row' },
    );
    expect(row).toMatchObject({
      itemId: id,
      kind: 'recommendation',
      recommendation: { citation: 'A/HRC/RES/40/26 OP11', published: true },
    });
  });

  it('creating the same natural key with the same content again is a no-op (200, same id)', async () => {
    const first = await request(stack.gatewayUrl)
      .post('/api/recommendations')
      .set('Authorization', secretariat)
      .send({ ...gbvLaw, externalKey: 'e2e-again' });
    const again = await request(stack.gatewayUrl)
      .post('/api/recommendations')
      .set('Authorization', secretariat)
      .send({ ...gbvLaw, externalKey: 'e2e-again' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({
      recommendationId: (first.body as { recommendationId: string }).recommendationId,
      created: false,
      version: 1,
    });
  });

  describe('bad input gets a 4xx problem+json, never a 500', () => {
    const cases: [string, (r: request.Test) => request.Test, number][] = [
      ['missing fields', (r) => r.send({ mechanism: 'upr' }), 400],
      ['wrong types', (r) => r.send({ ...gbvLaw, recommendingEntities: 'Ecuador', themes: 7 }), 400],
      ['unknown fields', (r) => r.send({ ...gbvLaw, colour: 'red' }), 400],
      ['a bad enum', (r) => r.send({ ...gbvLaw, mechanism: 'rumour' }), 400],
      ['malformed JSON', (r) => r.set('Content-Type', 'application/json').send('{"mechanism": '), 400],
      ['a JSON array', (r) => r.send([gbvLaw]), 400],
      ['a 1 MB body', (r) => r.send({ ...gbvLaw, text: { en: 'x'.repeat(1024 * 1024) } }), 413],
    ];
    it.each(cases)('%s', async (_name, build, status) => {
      const res = await build(
        request(stack.gatewayUrl).post('/api/recommendations').set('Authorization', secretariat),
      );
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status, title: expect.any(String) as unknown });
      expect((res.body as { type: string }).type).toMatch(/^https:\/\//);
    });

    it('names each invalid field', async () => {
      const res = await request(stack.gatewayUrl)
        .post('/api/recommendations')
        .set('Authorization', secretariat)
        .send({ ...gbvLaw, mechanism: 'rumour', document: { ...gbvLaw.document, date: 'yesterday' } });
      const paths = (res.body as { errors: { path: string }[] }).errors.map((e) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['mechanism', 'document.date']));
    });

    it('an unknown id is a 404 problem, a malformed one a 400', async () => {
      const unknown = await request(stack.gatewayUrl)
        .get('/api/recommendations/0190d4c8-0000-7000-8000-000000000000')
        .set('Authorization', secretariat);
      expect(unknown.status).toBe(404);
      const malformed = await request(stack.gatewayUrl)
        .get('/api/recommendations/not-a-uuid')
        .set('Authorization', secretariat);
      expect(malformed.status).toBe(400);
    });

    it('no token is 401, a viewer may not write (403)', async () => {
      await request(stack.gatewayUrl).post('/api/recommendations').send(gbvLaw).expect(401);
      const res = await request(stack.gatewayUrl)
        .post('/api/recommendations')
        .set('Authorization', `Bearer ${stack.token('viewer')}`)
        .send(gbvLaw);
      expect(res.status).toBe(403);
    });
  });
});
