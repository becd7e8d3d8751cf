import { foldRouted, storedEvent } from '@tracker/testing';
import type { StoredEvent } from '@tracker/contracts';
import { trackerItemProjection as sut, type TrackerItem } from './tracker-item.projection';
import { linkOf, trackerSummaries } from './tracker-tally';
import { orderOf } from './tracker-keys';

const rec = '0190d4c8-0000-7000-8000-0000000000a1';
const com = '0190d4c8-0000-7000-8000-0000000000c1';

const events: StoredEvent[] = [
  storedEvent(`assessment-x`, 1, 'assessment.recorded', {
    assessmentId: '0190d4c8-0000-7000-8000-0000000000f1',
    target: { kind: 'recommendation', id: rec },
    status: 'not-implemented',
    assessedOn: '2023-05-02',
    evidence: [],
    assessor: 'secretariat-seed',
    note: null,
  }),
  storedEvent(`recommendation-${rec}`, 1, 'recommendation.created', {
    recommendationId: rec,
    externalKey: 'hrc-res-40-26-op11',
    mechanism: 'hrc-resolution',
    recommendingEntities: ['Human Rights Council'],
    document: { symbol: null, paragraph: null, citation: 'A/HRC/RES/40/26 OP11', date: '2019-03-22' },
    upr: null,
    text: { en: 'Adopt the GBV law.', fr: null },
    themes: ['gender-based-violence'],
    affectedGroups: [],
    sdgTargets: [],
    position: null,
    clusterKey: null,
    published: true,
  }),
  storedEvent(`recommendation-${rec}`, 2, 'recommendation.tagged', {
    recommendationId: rec,
    themes: ['gender-based-violence', 'women-rights'],
    affectedGroups: [],
    sdgTargets: [],
  }),
  storedEvent(`assessment-x`, 2, 'assessment.recorded', {
    assessmentId: '0190d4c8-0000-7000-8000-0000000000f1',
    target: { kind: 'recommendation', id: rec },
    status: 'in-progress',
    assessedOn: '2021-01-01',
    evidence: [],
    assessor: 'secretariat-seed',
    note: null,
  }),
  storedEvent(`commitment-${com}`, 1, 'commitment.created', {
    commitmentId: com,
    externalKey: 'gbv-law',
    title: { en: 'Adopt the GBV law', fr: null },
    text: 'text',
    madeAt: { forum: 'UPR', date: null, dateNote: null, citation: 'A/HRC/RES/40/26 OP11' },
    basisNote: null,
    sourceQuotes: [],
    institutions: ['ministry-of-justice'],
    dueDate: '2020-03-22',
    dueDateKind: 'secretariat-target',
    dueDateNote: null,
    linkedRecommendationIds: [rec],
  }),
  storedEvent(`commitment-${com}`, 2, 'commitment.lapsed', {
    commitmentId: com,
    dueDate: '2020-03-22',
    dueAt: '2020-03-23T00:00:00.000Z',
    lapsedAt: '2020-03-23T00:00:01.000Z',
  }),
  storedEvent(`commitment-${com}`, 3, 'commitment.due-date-extended', {
    commitmentId: com,
    previousDueDate: '2020-03-22',
    dueDate: '2024-12-31',
    dueDateKind: 'secretariat-target',
    reason: 'new timetable',
  }),
  storedEvent(`commitment-${com}`, 4, 'commitment.reopened', {
    commitmentId: com,
    dueDate: '2024-12-31',
    reason: 'r',
  }),
];

const fold = (twice: boolean): Map<string, TrackerItem> => foldRouted(sut, events, { twice });

describe('trackerItemProjection', () => {
  it('routes each event to its own item; an assessment to its target; a commitment to the recommendations it links', () => {
    expect(events.map((e) => sut.route(e))).toEqual([
      [rec],
      [rec],
      [rec],
      [rec],
      [com, rec],
      [com],
      [com],
      [com],
    ]);
  });

  it('applying every event twice changes nothing', () => {
    expect(fold(true)).toEqual(fold(false));
  });

  it('keeps the latest assessment by assessment date, counting all of them, whatever arrived first', () => {
    const row = fold(false).get(rec)!;
    expect(row).toMatchObject({
      known: true,
      kind: 'recommendation',
      recommendation: { citation: 'A/HRC/RES/40/26 OP11', themes: ['gender-based-violence', 'women-rights'] },
      latestAssessment: { status: 'not-implemented', assessedOn: '2023-05-02' },
      assessmentStatus: 'not-implemented',
      assessmentCount: 2,
    });
  });

  it('follows a commitment through lapse, extension and re-opening', () => {
    expect(fold(false).get(com)).toMatchObject({
      kind: 'commitment',
      assessmentStatus: 'none',
      commitment: {
        status: 'open',
        dueDate: '2024-12-31',
        dueAt: '2025-01-01T00:00:00.000Z',
        linkedRecommendationIds: [rec],
      },
    });
  });

  it('is updated as of the latest event it holds, whichever topic delivered it last', () => {
    const assessed = storedEvent(
      `assessment-y`,
      1,
      'assessment.recorded',
      {
        assessmentId: '0190d4c8-0000-7000-8000-0000000000f2',
        target: { kind: 'recommendation', id: rec },
        status: 'in-progress',
        assessedOn: '2026-03-01',
        evidence: [],
        assessor: 'secretariat-seed',
        note: null,
      },
      '2026-03-02T00:00:00.000Z',
    );
    const created = events[1]!; // recorded 2026-01-01, delivered after the assessment
    const tagged = {
      ...events[2]!,
      metadata: { ...events[2]!.metadata, recordedAt: '2026-02-01T00:00:00.000Z' },
    };
    let row: TrackerItem | null = null;
    for (const e of [assessed, created, tagged]) row = sut.apply(row, e, rec) ?? row;
    expect(row?.updatedAt).toBe('2026-03-02T00:00:00.000Z');
  });

  /** Folds per topic in the given order (each stream's own order kept), as Kafka may deliver. */
  const foldTopics = (order: readonly string[]): Map<string, TrackerItem> =>
    foldRouted(
      sut,
      order.flatMap((prefix) => events.filter((x) => x.streamId.startsWith(prefix))),
    );

  it('holds the same row, claims and keys included, whichever topic delivered first', () => {
    const expected = foldTopics(['recommendation-', 'commitment-', 'assessment-']);
    expect(foldTopics(['commitment-', 'assessment-', 'recommendation-'])).toEqual(expected);
    expect(foldTopics(['assessment-', 'recommendation-', 'commitment-'])).toEqual(expected);
    expect(expected.get(rec)!.claimedBy).toEqual([com]);
  });

  it('puts a row under the keys of its lists and their buckets; an unknown row under none', () => {
    const row = fold(false).get(rec)!;
    const h = orderOf(rec);
    expect(row.keys).toEqual(
      expect.arrayContaining([
        'all',
        `all#${h.slice(0, 1)}`,
        `all#${h.slice(0, 3)}`,
        'public',
        'kind:recommendation',
        'status:not-implemented',
        `status:not-implemented#${h.slice(0, 2)}`,
        'assessed:true',
        'theme:women-rights',
        `theme:gender-based-violence#${h.slice(0, 3)}`,
      ]),
    );
    expect(row.keys).not.toContain('status:none');
    const early = sut.apply(null, events[0]!, rec)!;
    expect(early.known).toBe(false);
    expect(early.keys).toEqual([]);
  });

  it('keys a row by mechanism, folded recommending entity, stale state, institution, and its words at level 1', () => {
    const row = fold(false).get(rec)!;
    const h = orderOf(rec);
    expect(row.keys).toEqual(
      expect.arrayContaining([
        'mechanism:hrc-resolution',
        `entity:human rights council#${h.slice(0, 2)}`,
        'stale:false',
        `word:gbv#${h.slice(0, 1)}`,
        `word:adopt#${h.slice(0, 1)}`,
      ]),
    );
    // Words have their level-1 bucket only; stop words none.
    expect(row.keys).not.toContain('word:gbv');
    expect(row.keys).not.toContain(`word:gbv#${h.slice(0, 2)}`);
    expect(row.keys.some((k) => k.startsWith('word:the#'))).toBe(false);
    const commitment = fold(false).get(com)!;
    expect(commitment.keys).toEqual(expect.arrayContaining(['institution:ministry-of-justice']));
  });

  it('marks a row stale on the stale check, unless an assessment came after what the check counted from', () => {
    const known = fold(false).get(rec)!;
    const stale = (since: string, period: number): StoredEvent =>
      storedEvent(`staleness-x`, period, 'assessment.stale', {
        assessmentId: '0190d4c8-0000-7000-8000-0000000000f1',
        target: { kind: 'recommendation', id: rec },
        since,
        lastAssessedAt: since,
        staleAfterMs: 86_400_000,
        period,
        staleAt: '2027-01-01T00:00:00.000Z',
        detectedAt: '2027-01-01T00:00:00.000Z',
      });
    const latest = known.latestAssessment!.recordedAt;
    const marked = sut.apply(known, stale(latest, 1), rec)!;
    expect(marked.staleSince).toBe(latest);
    expect(marked.keys).toContain('stale:true');
    expect(marked.keys).not.toContain('stale:false');
    // A check that counted from before the latest assessment is outdated news.
    expect(sut.apply(known, stale('2020-01-01T00:00:00.000Z', 1), rec)).toBe(known);
    // A later assessment ends it.
    const assessedAgain = storedEvent(
      `assessment-x`,
      3,
      'assessment.recorded',
      {
        assessmentId: '0190d4c8-0000-7000-8000-0000000000f1',
        target: { kind: 'recommendation', id: rec },
        status: 'implemented',
        assessedOn: '2027-02-01',
        evidence: [],
        assessor: 'secretariat-seed',
        note: null,
      },
      '2027-02-01T00:00:00.000Z',
    );
    const cleared = sut.apply(marked, assessedAgain, rec)!;
    expect(cleared.staleSince).toBeNull();
    expect(cleared.keys).toContain('stale:false');
  });

  it('tallies known rows by list, status × theme and link, for staff and for viewers', () => {
    const rows = fold(false);
    const draft = {
      ...rows.get(rec)!,
      recommendation: { ...rows.get(rec)!.recommendation!, published: false },
    };
    const t = trackerSummaries.summarize([draft, rows.get(com)!]);
    expect(t.counts).toMatchObject({
      'n|all': 2,
      'v|all': 1,
      'n|kind:recommendation': 1,
      'n|kind:commitment': 1,
      'v|kind:commitment': 1,
      'n|status:not-implemented': 1,
      'n|status:none': 1,
      'n|st:not-implemented|women-rights': 1,
    });
    expect(t.counts['v|kind:recommendation']).toBeUndefined();
    expect(t.links).toEqual({
      [linkOf(com, rec)]: {
        themes: ['gender-based-violence', 'women-rights'],
        cluster: null,
        published: false,
      },
    });
    expect(t.commitments[com]).toMatchObject({ status: 'open', linkedRecommendationIds: [rec] });
    expect(trackerSummaries.merge([t, t]).counts['n|all']).toBe(4);
  });
});
