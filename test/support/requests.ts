import request from 'supertest';
import { waitFor } from '@tracker/testing';

/** The create request of HRC resolution 40/26 OP11 (the GBV law), under a key of the caller's choosing. */
export const gbvLawRequest = (externalKey: string) => ({
  externalKey,
  mechanism: 'hrc-resolution',
  recommendingEntities: ['Human Rights Council'],
  document: {
    symbol: 'A/HRC/RES/40/26',
    paragraph: 'OP11',
    citation: 'A/HRC/RES/40/26 OP11',
    date: '2019-03-22',
  },
  text: { en: 'Urges the Government of Mali to adopt the law on gender-based violence.' },
  themes: ['gender-based-violence'],
  published: true,
});

/** Waits until the tracker row of `id` answers 200 through the gateway (it arrives over Kafka). */
export const waitForTrackerRow = (gatewayUrl: string, authorization: string, id: string): Promise<true> =>
  waitFor(
    async () => {
      const res = await request(gatewayUrl)
        .get(`/api/tracker/items/${id}`)
        .set('Authorization', authorization);
      return res.status === 200 ? true : undefined;
    },
    { what: 'the tracker row' },
  );
