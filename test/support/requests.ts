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
