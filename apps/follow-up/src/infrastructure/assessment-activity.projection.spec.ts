import { foldRouted, storedEvent } from '@tracker/testing';
import type { StoredEvent } from '@tracker/contracts';
import {
  assessmentActivityProjection as sut,
  type AssessmentActivity,
  staleClockOf,
} from './assessment-activity.projection';

const com = '0190d4c8-0000-7000-8000-0000000000c1';
const created = storedEvent(
  `commitment-${com}`,
  1,
  'commitment.created',
  {
    commitmentId: com,
    externalKey: null,
    title: { en: 'Publish the Moura report', fr: null },
    text: 'Publish it.',
    madeAt: { forum: 'Security Council', date: '2023-01-10', dateNote: null, citation: 'S/PV.1' },
    basisNote: null,
    sourceQuotes: [],
    institutions: ['judiciary'],
    dueDate: '2027-01-01',
    dueDateKind: 'secretariat-target',
    dueDateNote: null,
    linkedRecommendationIds: [],
  },
  '2026-01-01T00:00:00.000Z',
);
const assessed = storedEvent(
  'assessment-0190d4c8-0000-7000-8000-0000000000f1',
  1,
  'assessment.recorded',
  {
    assessmentId: '0190d4c8-0000-7000-8000-0000000000f1',
    target: { kind: 'commitment', id: com },
    status: 'in-progress',
    assessedOn: '2026-01-20',
    evidence: [],
    assessor: 'x',
    note: null,
  },
  '2026-02-01T00:00:00.000Z',
);
const fulfilled = storedEvent(
  `commitment-${com}`,
  2,
  'commitment.fulfilled',
  {
    commitmentId: com,
    fulfilledOn: '2026-03-01',
    evidence: [
      {
        source: 'OHCHR',
        citation: null,
        date: null,
        dateNote: null,
        summary: 'published',
        link: null,
        quote: null,
      },
    ],
    note: null,
  },
  '2026-03-01T00:00:00.000Z',
);

const stalenessStream = 'staleness-0190d4c8-0000-7000-8000-0000000000f1';
const periodSet = (version: number, staleAfterDays: number | null): StoredEvent =>
  storedEvent(
    stalenessStream,
    version,
    'assessment.stale-period-set',
    {
      assessmentId: '0190d4c8-0000-7000-8000-0000000000f1',
      target: { kind: 'commitment', id: com },
      staleAfterDays,
    },
    `2026-02-0${version}T00:00:00.000Z`,
  );

const fold = (events: StoredEvent[], twice = false): AssessmentActivity | null =>
  foldRouted(sut, events, { twice }).get(com) ?? null;

describe('assessmentActivityProjection', () => {
  it('knows when the item arrived, when it was last assessed, and when it closed', () => {
    const doc = fold([created, assessed]);
    expect(doc).toMatchObject({
      itemId: com,
      kind: 'commitment',
      knownAt: '2026-01-01T00:00:00.000Z',
      closed: false,
    });
    expect(staleClockOf(doc!)).toBe('2026-02-01T00:00:00.000Z');
    expect(fold([created, assessed, fulfilled])).toMatchObject({ closed: true });
  });

  it('applying every event twice changes nothing', () => {
    expect(fold([created, assessed, fulfilled], true)).toEqual(fold([created, assessed, fulfilled]));
  });

  it('an assessment arriving before the item: no clock until the item is known', () => {
    expect(staleClockOf(fold([assessed])!)).toBeNull();
    expect(staleClockOf(fold([assessed, created])!)).toBe('2026-02-01T00:00:00.000Z');
  });

  it('keeps the item’s own staleness period, the last one set (null: cleared)', () => {
    expect(fold([created])).toMatchObject({ staleAfterDays: null });
    expect(fold([created, periodSet(1, 14)])).toMatchObject({ staleAfterDays: 14 });
    expect(fold([created, periodSet(1, 14), periodSet(2, 0)])).toMatchObject({ staleAfterDays: 0 });
    expect(fold([created, periodSet(1, 14), periodSet(2, null)])).toMatchObject({ staleAfterDays: null });
    const all = [created, periodSet(1, 14), assessed, periodSet(2, 30)];
    expect(fold(all, true)).toEqual(fold(all));
  });
});
