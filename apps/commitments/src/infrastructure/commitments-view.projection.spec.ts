import { foldRouted } from '@tracker/testing';
import type { StoredEvent } from '@tracker/contracts';
import {
  commitmentsViewProjection as sut,
  withOverdue,
  type CommitmentView,
} from './commitments-view.projection';

const id = '0190d4c8-0000-7000-8000-0000000000c1';
const stored = (version: number, type: string, data: Record<string, unknown>): StoredEvent => ({
  eventId: `e${version}`,
  streamId: `commitment-${id}`,
  version,
  position: version,
  type,
  schemaVersion: 1,
  data: { commitmentId: id, ...data },
  metadata: {
    actor: 'a',
    role: 'secretariat',
    correlationId: 'c',
    causationId: null,
    occurredAt: `2026-01-0${version}T00:00:00.000Z`,
    recordedAt: `2026-01-0${version}T00:00:00.000Z`,
  },
  prevHash: '0',
  hash: '1',
});
const events = [
  stored(1, 'commitment.created', {
    externalKey: 'moura-investigation',
    title: { en: 'Investigate Moura', fr: null },
    text: 'text',
    madeAt: { forum: 'Security Council', date: null, dateNote: 'undated', citation: 'UPR 2023 US 1' },
    basisNote: null,
    sourceQuotes: [],
    institutions: ['judiciary'],
    dueDate: '2024-05-02',
    dueDateKind: 'secretariat-target',
    dueDateNote: null,
    linkedRecommendationIds: [],
  }),
  stored(2, 'commitment.lapsed', {
    dueDate: '2024-05-02',
    dueAt: '2024-05-03T00:00:00.000Z',
    lapsedAt: '2024-05-03T00:00:00.000Z',
  }),
  stored(3, 'commitment.due-date-extended', {
    previousDueDate: '2024-05-02',
    dueDate: '2025-05-02',
    dueDateKind: 'secretariat-target',
    reason: 'new target',
  }),
  stored(4, 'commitment.reopened', { dueDate: '2025-05-02', reason: 'new target' }),
  stored(5, 'commitment.revised', {
    title: { en: 'Investigate the Moura events', fr: null },
    text: 'text',
    madeAt: { forum: 'Security Council', date: null, dateNote: 'undated', citation: 'UPR 2023 US 1' },
    institutions: ['judiciary', 'transitional-authorities'],
    dueDateNote: null,
    linkedRecommendationIds: [],
    changed: ['title', 'institutions'],
  }),
];

const fold = (twice: boolean): CommitmentView | null => foldRouted(sut, events, { twice }).get(id) ?? null;

describe('commitmentsViewProjection', () => {
  it('applying every event twice changes nothing', () => {
    expect(fold(true)).toEqual(fold(false));
  });

  it('keeps the current fields, the extension history and the status', () => {
    expect(fold(false)).toMatchObject({
      status: 'open',
      dueDate: '2025-05-02',
      dueAt: '2025-05-03T00:00:00.000Z',
      institutions: ['judiciary', 'transitional-authorities'],
      extensions: [{ previousDueDate: '2024-05-02', dueDate: '2025-05-02', reason: 'new target' }],
      lapsedAt: null,
      version: 5,
    });
  });

  it('judges overdue at query time: open past the due instant, not only after a lapse event', () => {
    const view = fold(false)!;
    expect(withOverdue(view, new Date('2025-05-02T23:59:59Z'))).toMatchObject({
      overdue: false,
      overdueSince: null,
    });
    expect(withOverdue(view, new Date('2025-05-03T00:00:00Z'))).toMatchObject({
      overdue: true,
      overdueSince: '2025-05-03T00:00:00.000Z',
    });
    expect(withOverdue({ ...view, status: 'fulfilled' }, new Date('2030-01-01'))).toMatchObject({
      overdue: false,
    });
  });
});
