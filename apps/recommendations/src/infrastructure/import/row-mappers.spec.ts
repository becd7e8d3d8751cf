import { CreateRecommendationRequest } from '@tracker/contracts';
import { tableKindOf, UnrecognisedHeadersError } from './columns';
import {
  cleanResearchText,
  isoDateOf,
  mapResearchRow,
  mapUhriRow,
  multiValues,
  recordOf,
  uprCycleOfSession,
} from './row-mappers';

describe('import row mapping', () => {
  describe(cleanResearchText.name, () => {
    it.each([
      [
        '69.1   The establishment of a round table (Kuwait). );',
        '69.1',
        'The establishment of a round table (Kuwait).',
      ],
      [
        '96.1.1  ratify the Optional Protocol (Argentina);',
        '96.1.1',
        'ratify the Optional Protocol (Argentina)',
      ],
      ['78.1.1..2 to ratify OPCAT (Russia);', '78.1.1.2', 'to ratify OPCAT (Russia)'],
      ['93.1. Sign and ratify (Iraq);', '93.1', 'Sign and ratify (Iraq)'],
      [
        '"106.133. Carry out an evaluation (The Netherlands).";',
        '106.133',
        'Carry out an evaluation (The Netherlands).',
      ],
      ['protect womenÕs rights (UK). );', null, "protect women's rights (UK)."],
      ['the childrenÍs rights (Chile);', null, "the children's rights (Chile)"],
      ['the State’s “duty” (Chile);', null, 'the State\'s "duty" (Chile)'],
    ])('%s', (raw, paragraph, text) => {
      expect(cleanResearchText(raw)).toEqual({ paragraph, text });
    });
  });

  it('maps a research row to a valid create request with a stable natural key', () => {
    const headers = ['text', 'to', 'decision', 'From', 'year', 'notes'];
    const row = recordOf(headers, [
      '67.4   Consider ratifying CRPD (Brazil);',
      'albania',
      'support',
      'Kuwait, Sudan',
      '2010',
      '',
    ]);
    const mapped = mapResearchRow(row);
    const parsed = CreateRecommendationRequest.parse(mapped.request);
    expect(parsed).toMatchObject({
      externalKey: 'upr-2010-albania-67.4-kuwait-sudan',
      mechanism: 'upr',
      recommendingEntities: ['Kuwait', 'Sudan'],
      document: {
        paragraph: '67.4',
        citation: 'UPR Albania 2010, para 67.4 (Kuwait, Sudan)',
        date: '2010-01-01',
      },
      upr: { cycle: 1 },
      text: { en: 'Consider ratifying CRPD (Brazil)' },
      position: { value: 'supported' },
    });
    expect(mapResearchRow(row)).toEqual(mapped);
  });

  it('maps a UHRI row: misspelt headers, Excel serial dates, "- " multi-values', () => {
    const headers = [
      'Text',
      'Reccomending Body',
      'Document Symbol',
      'Themes',
      'Affected Persons',
      'Sdgs',
      'Document Publication Date',
      'UPR Reccomending States',
      'UPR Position',
      'Type',
      'OHCHR Annotation Id',
      'UPR Session',
    ];
    const row = recordOf(headers, [
      'Adopt the law on gender-based violence',
      '',
      'A/HRC/54/8',
      '- Gender-based violence\n- Women’s rights',
      '- Women\n- Girls',
      '- 5.2 Eliminate all forms of violence\n- 16.a',
      45048,
      '- Ecuador\n- Gabon',
      'Supported',
      'Universal Periodic Review',
      'abc-123',
      43,
    ]);
    const parsed = CreateRecommendationRequest.parse(mapUhriRow(row).request);
    expect(parsed).toMatchObject({
      externalKey: 'uhri-abc-123',
      mechanism: 'upr',
      recommendingEntities: ['Ecuador', 'Gabon'],
      document: { symbol: 'A/HRC/54/8', date: '2023-05-02' },
      upr: { cycle: 4, session: 43 },
      themes: ['gender-based-violence', 'womens-rights'],
      affectedGroups: ['women', 'girls'],
      sdgTargets: ['5.2', '16.a'],
      position: { value: 'supported' },
    });
  });

  it('reads dates in every shape UHRI and spreadsheets give', () => {
    expect(isoDateOf(45048)).toBe('2023-05-02');
    expect(isoDateOf('45048')).toBe('2023-05-02');
    expect(isoDateOf(new Date('2019-03-22T00:00:00Z'))).toBe('2019-03-22');
    expect(isoDateOf('22/03/2019')).toBe('2019-03-22');
    expect(isoDateOf('soon')).toBeNull();
  });

  it('splits multi-value cells and knows UPR cycles by session', () => {
    expect(multiValues('- a\r\n- b\n\n-c')).toEqual(['a', 'b', 'c']);
    expect([1, 12, 13, 26, 27, 41, 43].map(uprCycleOfSession)).toEqual([1, 1, 2, 2, 3, 4, 4]);
  });

  it('tells the research CSV from UHRI by headers, and names what is missing otherwise', () => {
    expect(tableKindOf(['text', 'to', 'decision', 'From', 'year', 'notes'])).toBe('research');
    expect(tableKindOf(['Text', 'Document Symbol', 'Reccomending Body'])).toBe('uhri');
    expect(() => tableKindOf(['name', 'colour'])).toThrow(UnrecognisedHeadersError);
    expect(() => tableKindOf(['Text', 'Reccomending Body'])).toThrow(/missing Document Symbol/);
  });
});
