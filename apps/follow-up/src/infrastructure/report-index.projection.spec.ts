import type { StoredEvent } from '@tracker/contracts';
import { foldProjectionRows } from '@tracker/projections';
import { storedEvent } from '@tracker/testing';
import { CLUSTERS, reportIndexProjection as sut } from './report-index.projection';

/** Fictitious ids. */
const rec = (n: number): string => `0190d4c8-0000-7000-8000-0000000000${String(n).padStart(2, '0')}`;
const com = '0190d4c8-0000-7000-8000-0000000000c1';

const events: StoredEvent[] = [
  storedEvent(`recommendation-${rec(1)}`, 1, 'recommendation.created', {
    recommendationId: rec(1),
    clusterKey: 'a',
  }),
  storedEvent(`recommendation-${rec(2)}`, 1, 'recommendation.created', {
    recommendationId: rec(2),
    clusterKey: null,
  }),
  storedEvent(`recommendation-${rec(1)}`, 2, 'recommendation.cluster-assigned', {
    recommendationId: rec(1),
    clusterKey: 'b',
  }),
  storedEvent(`recommendation-${rec(2)}`, 2, 'recommendation.cluster-assigned', {
    recommendationId: rec(2),
    clusterKey: 'a',
  }),
  storedEvent('cluster-c', 1, 'recommendation-cluster.titled', {
    clusterKey: 'c',
    title: { en: 'C', fr: 'C' },
  }),
  storedEvent(`commitment-${com}`, 1, 'commitment.created', { commitmentId: com }),
  storedEvent('assessment-x', 1, 'assessment.recorded', { target: { kind: 'commitment', id: com } }),
];
const DOCS = ['clusters', 'cluster:a', 'cluster:b', 'commitments'];
const fold = (es: readonly StoredEvent[]) =>
  Object.fromEntries([...foldProjectionRows(sut, es, DOCS)].map(([id, row]) => [id, row.doc?.ids ?? null]));

describe('the report index', () => {
  it('keeps every id an item ever had in each set (a recommendation moved on stays in its old cluster)', () => {
    expect(fold(events)).toEqual({
      clusters: ['a', 'b', 'c'],
      'cluster:a': [rec(1), rec(2)],
      'cluster:b': [rec(1)],
      commitments: [com],
    });
    // Assessments are not indexed: the report reads each item's assessment stream by its id.
    expect(sut.route(events.at(-1)!)).toEqual([]);
  });

  it('is the same whatever order the topics deliver in, and applying twice changes nothing', () => {
    const byStream = (s: string) => events.filter((e) => e.streamId === s);
    const reordered = [...new Set(events.map((e) => e.streamId))].reverse().flatMap(byStream);
    expect(fold(reordered)).toEqual(fold(events));
    for (const e of events)
      for (const id of sut.route(e)) {
        const once = sut.apply(null, e, id);
        // Applying it again adds nothing: no write at all (null leaves the row as it is), except on
        // `clusters`, whose `_applied` must name every stream that added to it whatever the order.
        const again = sut.apply(once, e, id);
        if (id === CLUSTERS) expect(again).toBe(once);
        else expect(again).toBeNull();
      }
  });
});
