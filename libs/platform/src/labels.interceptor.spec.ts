import { type Label, LABELS, labelOf, negotiateLanguage } from '@tracker/contracts';
import { addLabels } from './labels.interceptor';

describe('negotiateLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['fr', 'fr'],
    ['fr-ML', 'fr'],
    ['FR-fr;q=0.9, en;q=0.8', 'fr'],
    ['en-GB,en;q=0.9,fr;q=0.8', 'en'],
    ['de, fr;q=0.5', 'fr'],
    ['de', 'en'],
    ['fr;q=0, en;q=0.1', 'en'],
    ['*', 'en'],
  ] as const)('%j → %s', (header, expected) => {
    expect(negotiateLanguage(header)).toBe(expected);
  });
});

describe('LABELS', () => {
  it('has an English and a French label for every value', () => {
    for (const table of Object.values(LABELS))
      for (const label of Object.values<Label>(table)) {
        expect(label.en.length).toBeGreaterThan(0);
        expect(label.fr.length).toBeGreaterThan(0);
      }
  });

  it('covers every commitment and assessment status', () => {
    for (const s of ['open', 'fulfilled', 'withdrawn', 'lapsed'])
      expect(labelOf('status', s, 'fr')).toBeDefined();
    for (const s of ['not-started', 'in-progress', 'partially-implemented', 'implemented', 'not-implemented'])
      expect(labelOf('status', s, 'en')).toBeDefined();
    expect(labelOf('status', 'toString', 'en')).toBeUndefined();
  });
});

describe(addLabels.name, () => {
  const row = {
    itemId: 'x',
    status: 'not-implemented',
    mechanism: 'security-council',
    position: { value: 'supported', date: null },
    nested: { items: [{ status: 'lapsed' }, { status: 'no-such-status' }] },
  };

  it('adds a sibling <field>Label in the language asked for, at any depth, without mutating', () => {
    const before = JSON.stringify(row);
    expect(addLabels(row, 'fr')).toEqual({
      ...row,
      statusLabel: 'Non mis en œuvre',
      mechanismLabel: 'Conseil de sécurité',
      positionLabel: 'Acceptée',
      nested: { items: [{ status: 'lapsed', statusLabel: 'Échu' }, { status: 'no-such-status' }] },
    });
    expect(JSON.stringify(row)).toBe(before);
  });

  it('labels in English, leaves existing labels and non-plain values alone', () => {
    const at = new Date('2024-02-24T00:00:00Z');
    expect(addLabels({ status: 'open', statusLabel: 'custom', at, role: 'focal-point' }, 'en')).toEqual({
      status: 'open',
      statusLabel: 'custom',
      at,
      role: 'focal-point',
      roleLabel: 'Focal point',
    });
    expect(addLabels([{ position: 'noted' }], 'en')).toEqual([{ position: 'noted', positionLabel: 'Noted' }]);
    expect(addLabels('open', 'en')).toBe('open');
  });

  it('labels opted-in fields with their vocabulary', () => {
    expect(addLabels({ latest: 'implemented' }, 'fr', { latest: 'status' })).toEqual({
      latest: 'implemented',
      latestLabel: 'Mis en œuvre',
    });
  });
});
