import request from 'supertest';
import { waitFor } from '@tracker/testing';
import { startStack, type Stack } from '../support/stack';

const noted = {
  externalKey: 'e2e-i18n-upr-noted',
  mechanism: 'upr',
  recommendingEntities: ['Ecuador'],
  document: { citation: 'A/HRC/54/7 para 115.40', date: '2023-07-10' },
  text: { en: 'Abolish the death penalty.', fr: 'Abolir la peine de mort.' },
  themes: ['death-penalty'],
  position: { value: 'noted', date: '2023-09-25', source: 'A/HRC/54/7/Add.1' },
  published: true,
};

describe('English and French labels by Accept-Language', () => {
  let stack: Stack;
  let auth: string;
  let id: string;

  beforeAll(async () => {
    stack = await startStack();
    auth = `Bearer ${stack.token('secretariat')}`;
    const created = await request(stack.gatewayUrl)
      .post('/api/recommendations')
      .set('Authorization', auth)
      .send(noted)
      .expect(201);
    id = (created.body as { recommendationId: string }).recommendationId;
    await waitFor(
      async () => {
        const res = await request(stack.gatewayUrl)
          .get(`/api/recommendations/${id}`)
          .set('Authorization', auth);
        return res.status === 200 ? true : undefined;
      },
      { what: 'the catalogue entry' },
    );
  });
  afterAll(async () => {
    await stack?.close();
  });

  const get = (language?: string): request.Test => {
    const r = request(stack.gatewayUrl).get(`/api/recommendations/${id}`).set('Authorization', auth);
    return language ? r.set('Accept-Language', language) : r;
  };

  it('French when the client prefers French', async () => {
    const res = await get('fr-ML, fr;q=0.9, en;q=0.5').expect(200);
    expect(res.headers['content-language']).toBe('fr');
    expect(res.headers.vary).toMatch(/Accept-Language/i);
    expect(res.body).toMatchObject({
      mechanism: 'upr',
      mechanismLabel: 'Examen périodique universel',
      position: { value: 'noted' },
      positionLabel: 'Notée',
    });
  });

  it('English otherwise', async () => {
    for (const language of [undefined, 'en-GB', 'de, en;q=0.1', 'de']) {
      const res = await get(language).expect(200);
      expect(res.headers['content-language']).toBe('en');
      expect(res.body).toMatchObject({ mechanismLabel: 'Universal Periodic Review', positionLabel: 'Noted' });
    }
  });

  it('errors stay problem+json, unlabelled', async () => {
    const res = await request(stack.gatewayUrl)
      .get('/api/recommendations/0190d4c8-0000-7000-8000-000000000000')
      .set('Authorization', auth)
      .set('Accept-Language', 'fr');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});
