import type { StoredEvent } from '@tracker/contracts';
import { storedEvent } from '@tracker/testing';
import { buildReport, inForce, type ReportRequest } from './report-model';

/** Fictitious items (ids, texts and dates are made up for this spec). */
const recFr = '0190d4c8-0000-7000-8000-0000000000a1';
const recEn = '0190d4c8-0000-7000-8000-0000000000a2';
const com = '0190d4c8-0000-7000-8000-0000000000c1';
const at = (day: string): string => `${day}T10:00:00.000Z`;

const created = (id: string, text: { en: string; fr: string | null }, date: string): StoredEvent =>
  storedEvent(
    `recommendation-${id}`,
    1,
    'recommendation.created',
    {
      recommendationId: id,
      externalKey: null,
      mechanism: 'upr',
      recommendingEntities: ['Examplestan'],
      document: { symbol: 'A/HRC/00/1', paragraph: '12.3', citation: `A/HRC/00/1 para 12.3 (${id})`, date },
      upr: null,
      text,
      themes: ['justice-system'],
      affectedGroups: [],
      sdgTargets: [],
      position: null,
      clusterKey: 'example-cluster',
      published: true,
    },
    at('2026-01-01'),
  );

const assessment = (target: string, version: number, status: string, assessedOn: string): StoredEvent =>
  storedEvent(
    `assessment-${target}`,
    version,
    'assessment.recorded',
    {
      assessmentId: '0190d4c8-0000-7000-8000-0000000000f1',
      target: { kind: target === com ? 'commitment' : 'recommendation', id: target },
      status,
      assessedOn,
      evidence: [],
      assessor: 'example',
      note: null,
    },
    at('2026-01-02'),
  );

const events: StoredEvent[] = [
  created(recFr, { en: 'Adopt the example law.', fr: 'Adopter la loi exemple.' }, '2023-05-02'),
  created(recEn, { en: 'Ratify the example protocol.', fr: null }, '2023-05-02'),
  storedEvent(
    'cluster-example-cluster',
    1,
    'recommendation-cluster.titled',
    { clusterKey: 'example-cluster', title: { en: 'Example laws', fr: 'Lois exemples' } },
    at('2026-01-01'),
  ),
  storedEvent(
    `commitment-${com}`,
    1,
    'commitment.created',
    {
      commitmentId: com,
      externalKey: null,
      title: { en: 'Pass the example law', fr: null },
      text: 'Pass the example law.',
      madeAt: { forum: 'Example forum', date: null, dateNote: null, citation: 'Example citation' },
      basisNote: null,
      sourceQuotes: [],
      institutions: ['ministry-of-examples'],
      dueDate: '2023-06-30',
      dueDateKind: 'secretariat-target',
      dueDateNote: null,
      linkedRecommendationIds: [recFr],
    },
    at('2026-01-01'),
  ),
  assessment(recFr, 1, 'in-progress', '2023-06-01'),
  assessment(recFr, 2, 'implemented', '2023-09-01'),
  // Recorded in 2026 about a fulfilment on 2024-01-03.
  storedEvent(
    `commitment-${com}`,
    2,
    'commitment.fulfilled',
    {
      commitmentId: com,
      fulfilledOn: '2024-01-03',
      evidence: [
        {
          source: 'example',
          citation: null,
          date: null,
          dateNote: null,
          summary: 'Example.',
          link: null,
          quote: null,
        },
      ],
      note: null,
    },
    at('2026-01-03'),
  ),
];

const request = (over: Partial<ReportRequest> = {}): ReportRequest => ({
  asOf: '2023-07-31',
  recordedUntil: new Date(at('2026-02-01')),
  mechanism: null,
  cluster: null,
  institution: null,
  lang: 'en',
  publishedOnly: false,
  ...over,
});

const report = (over: Partial<ReportRequest> = {}) =>
  buildReport(events, [recFr, recEn, com], ['example-cluster'], request(over));

describe('the implementation report model', () => {
  it('takes the latest assessment dated up to the reporting date, and judges "overdue" at its end', () => {
    const r = report();
    const fr = r.clusters[0]!.recommendations.find((x) => x.id === recFr)!;
    expect(fr.latestAssessment?.status.value).toBe('in-progress');
    expect(fr.commitments[0]).toMatchObject({
      status: { value: 'open' },
      overdue: true,
      overdueSince: '2023-07-01',
    });
    expect(report({ asOf: '2023-06-30' }).clusters[0]!.recommendations[0]!.commitments[0]!.overdue).toBe(
      false,
    );
    const later = report({ asOf: '2024-01-05' });
    const laterFr = later.clusters[0]!.recommendations.find((x) => x.id === recFr)!;
    expect(laterFr.latestAssessment?.status.value).toBe('implemented');
    expect(laterFr.commitments[0]).toMatchObject({ status: { value: 'fulfilled' }, overdue: false });
  });

  it('leaves out recommendations whose document is dated after the reporting date', () => {
    expect(report({ asOf: '2023-05-01' }).clusters).toEqual([]);
  });

  it('gives French texts where the data has them and marks the others, with French labels', () => {
    const r = report({ lang: 'fr' });
    expect(r.title).toBe('Mise en œuvre des recommandations et des engagements');
    expect(r.clusters[0]!.title).toBe('Lois exemples');
    const byId = new Map(r.clusters[0]!.recommendations.map((x) => [x.id, x]));
    expect(byId.get(recFr)!.text).toEqual({
      text: 'Adopter la loi exemple.',
      language: 'fr',
      inReportLanguage: true,
    });
    expect(byId.get(recEn)!.text).toEqual({
      text: 'Ratify the example protocol.',
      language: 'en',
      inReportLanguage: false,
    });
    expect(byId.get(recFr)!.latestAssessment?.status.label).toBe('En cours de mise en œuvre');
    expect(byId.get(recFr)!.commitments[0]!.title.inReportLanguage).toBe(false);
    expect(report({ lang: 'en' }).clusters[0]!.recommendations.every((x) => x.text.inReportLanguage)).toBe(
      true,
    );
  });

  it('narrows to an institution: only its commitments and the recommendations they answer', () => {
    const r = report({ institution: 'ministry-of-examples' });
    expect(r.clusters[0]!.recommendations.map((x) => x.id)).toEqual([recFr]);
    expect(report({ institution: 'ministry-of-nothing' }).clusters).toEqual([]);
  });

  it('counts by status and theme, and states what it was built from', () => {
    const r = report();
    expect(r.summary.byStatus.find((s) => s.status.value === 'in-progress')).toMatchObject({
      recommendations: 1,
      commitments: 0,
    });
    expect(r.summary.byTheme).toEqual([
      { theme: 'justice-system', total: 2, byStatus: { 'in-progress': 1, none: 1 } },
    ]);
    expect(r.summary.overdue.map((c) => c.id)).toEqual([com]);
    expect(r.builtFrom).toMatchObject({ recordedUntil: at('2026-02-01'), events: events.length });
  });

  it('counts an assessment from its date and a commitment change from when it occurred', () => {
    expect(inForce(events[4]!, '2023-05-31')).toBe(false);
    expect(inForce(events[4]!, '2023-06-01')).toBe(true);
    expect(inForce(events[6]!, '2024-01-02')).toBe(false);
    expect(inForce(events[6]!, '2024-01-03')).toBe(true);
    expect(inForce(events[0]!, '2000-01-01')).toBe(true);
  });
});
