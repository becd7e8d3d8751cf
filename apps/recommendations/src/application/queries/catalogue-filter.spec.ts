import type { Principal } from '@tracker/auth';
import { CatalogueFilter } from '@tracker/contracts';
import {
  rowKeys,
  weakCode,
  type IndexedRow,
  type PostingEntry,
} from '../../infrastructure/catalogue-postings';
import {
  cataloguePlan,
  decodeCursor,
  encodeCursor,
  ordered,
  plannedReads,
  sortSpec,
} from './catalogue-filter';

const staff: Principal = { subject: 's', role: 'secretariat', institution: null };
const viewer: Principal = { subject: 'v', role: 'viewer', institution: null };

const row: IndexedRow = {
  recommendationId: '0190b6f0-0000-7000-8000-000000000001',
  version: 3,
  updatedAt: '2026-01-01T00:00:00.000Z',
  mechanism: 'upr',
  recommendingEntities: ['Côte d’Ivoire'],
  document: { citation: 'UPR Mali 2023, para 1 (Côte d’Ivoire)', date: '2023-05-02', symbol: null },
  upr: { cycle: 4 },
  text: { en: 'Abolish the death penalty', fr: null },
  themes: ['death-penalty'],
  affectedGroups: [],
  position: { value: 'noted' },
  clusterKey: 'abolition',
  published: false,
};

describe(rowKeys.name, () => {
  it('lists every filter value and search word, folded as the query folds them', () => {
    expect(rowKeys(row).sort()).toEqual(
      [
        'catalogue:all',
        'mechanism:upr',
        'position:noted',
        'published:false',
        'cycle:4',
        'entity:cote d ivoire',
        'theme:death-penalty',
        'cluster:abolition',
        'clustered:true',
        ...['abolish', 'death', 'penalty', 'upr', 'mali', '2023', 'para', '1', 'cote', 'd', 'ivoire'].map(
          (t) => `tok:${t}`,
        ),
      ].sort(),
    );
  });
});

describe(cataloguePlan.name, () => {
  const plan = (q: Record<string, string>, who = staff) => cataloguePlan(CatalogueFilter.parse(q), who);

  it('reads the postings of words, states, themes, groups and clusters; tests the rest on entries', () => {
    const p = plan({ q: 'The Death penalty', entity: 'CÔTE D’IVOIRE', position: 'none', cycle: '4' });
    expect(p).toEqual({
      strong: ['entity:cote d ivoire', 'tok:death', 'tok:penalty'],
      weak: ['position:none', 'cycle:4'],
    });
    expect(plannedReads(p)).toEqual(p.strong);
  });

  it('reads every row when no filter has postings; a viewer sees published rows only', () => {
    const p = plan({ mechanism: 'upr', published: 'false' }, viewer);
    expect(p).toEqual({ strong: [], weak: ['mechanism:upr', 'published:true'] });
    expect(plannedReads(p)).toEqual(['catalogue:all']);
    expect(plan({ q: 'the of' }).strong).toEqual([]);
  });

  it('spells weak keys in entries as short codes', () => {
    expect(
      ['mechanism:upr', 'position:supported-in-part', 'cycle:4', 'published:true'].map(weakCode),
    ).toEqual(['m:upr', 'p:supported-in-part', 'c:4', 'b:true']);
  });
});

describe(ordered.name, () => {
  const entry = (id: string, date: string): PostingEntry => ({
    id,
    version: 1,
    date,
    citation: id,
    updatedAt: '0',
    weak: [],
  });
  const entries = [entry('b', '2020'), entry('a', '2021'), entry('c', '2020'), entry('d', '2019')];

  it('orders by the sort value then the id, and resumes strictly after a cursor', () => {
    const spec = sortSpec('-date');
    const all = ordered([...entries], spec, null).map((e) => e.id);
    expect(all).toEqual(['a', 'c', 'b', 'd']);
    const cursor = encodeCursor(entries[2]!, spec);
    expect(ordered([...entries], spec, decodeCursor(cursor)).map((e) => e.id)).toEqual(['b', 'd']);
    expect(ordered([...entries], sortSpec('date'), null).map((e) => e.id)).toEqual(['d', 'b', 'c', 'a']);
  });

  it('refuses a cursor it did not give out', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(/cursor/);
    expect(() => decodeCursor(Buffer.from('[1,2]').toString('base64url'))).toThrow(/cursor/);
  });
});
