import {
  aggregateOf,
  clusterEvents,
  labelOf,
  recommendationEvents,
  type RecommendationCreated,
  type RecommendationCreatedData,
  type AssessmentStatus,
  type ClusterEvent,
  type ImplementationReportBody,
  type Language,
  type ReportAssessment,
  type ReportCommitment,
  type ReportRecommendation,
  type ReportSummary,
  type ReportText,
  type StoredEvent,
} from '@tracker/contracts';
import { foldProjectionRows } from '@tracker/projections';
import {
  trackerItemProjection,
  type LatestAssessment,
  type TrackedCommitment,
  type TrackerItem,
} from '../../infrastructure/tracker-item.projection';
import { commitmentOverdueSince } from '../queries/tracker-answers';
import { labelIn, REPORT_LABELS } from './report-labels';

/** What a report is asked for, once the query is validated and the defaults are set. */
export interface ReportRequest {
  readonly asOf: string;
  readonly recordedUntil: Date;
  readonly mechanism: string | null;
  readonly cluster: string | null;
  readonly institution: string | null;
  readonly lang: Language;
  /** Viewers see published recommendations only, as in the tracker. */
  readonly publishedOnly: boolean;
}

/** The last instant of the reporting date (UTC): what is "in force on" that day. */
export const endOfDay = (day: string): Date => new Date(`${day}T23:59:59.999Z`);

/** Commitment events that change its state, and the data field that dates the change when there is one. */
const COMMITMENT_CHANGES: Readonly<Record<string, string | null>> = {
  'commitment.fulfilled': 'fulfilledOn',
  'commitment.withdrawn': 'withdrawnOn',
  'commitment.lapsed': 'dueAt',
  'commitment.due-date-extended': null,
  'commitment.reopened': null,
};

/**
 * Whether an event (already recorded by the cut) is in force on the reporting date. The store's time
 * (`recordedAt`) says what was known; the reporting date says which facts count:
 *  - an assessment counts from the date it speaks for (`assessedOn`, a back-dated assessment included);
 *  - a position from its own date (an undated one always);
 *  - a commitment's fulfilment, withdrawal or lapse from the date it carries (`fulfilledOn`,
 *    `withdrawnOn`, the due instant); a due-date extension or a reopening from when it occurred
 *    (`occurredAt`, ADR 0007's "occurred" axis);
 *  - everything else describes the item (its creation, text, themes, cluster, titles, links) and counts as
 *    recorded: a text corrected later is shown corrected.
 */
export const inForce = (event: StoredEvent, asOf: string): boolean => {
  const data = event.data as Record<string, unknown> | null;
  const end = endOfDay(asOf).getTime();
  if (event.type === 'assessment.recorded') return String(data?.assessedOn) <= asOf;
  if (event.type === 'recommendation.position-recorded') {
    const date = (data?.position as { date?: unknown } | undefined)?.date;
    return typeof date !== 'string' || date <= asOf;
  }
  if (!Object.hasOwn(COMMITMENT_CHANGES, event.type)) return true;
  const field = COMMITMENT_CHANGES[event.type];
  const dated = field ? data?.[field] : undefined;
  const when = typeof dated === 'string' ? dated : event.metadata.occurredAt;
  return /^\d{4}-\d{2}-\d{2}$/.test(when) ? when <= asOf : Date.parse(when) <= end;
};

/** A date as precise as its source (`2023`, `2023-05`, `2023-05-02`) on or before a day. */
const onOrBefore = (date: string | null, day: string): boolean => date === null || date.slice(0, 10) <= day;

const textIn = (t: { en: string; fr: string | null }, lang: Language): ReportText =>
  lang === 'fr' && t.fr !== null
    ? { text: t.fr, language: 'fr', inReportLanguage: true }
    : { text: t.en, language: 'en', inReportLanguage: lang === 'en' };

const label = (vocabulary: 'status' | 'mechanism' | 'position', value: string, lang: Language): string =>
  labelOf(vocabulary, value, lang) ?? value;

const dueDateKindLabel = (kind: string, lang: Language): string =>
  kind === 'sourced'
    ? { en: 'sourced', fr: 'fixée par la source' }[lang]
    : { en: 'secretariat target', fr: 'objectif du secrétariat' }[lang];

const assessmentOf = (a: LatestAssessment | null, lang: Language): ReportAssessment | null =>
  a && {
    status: { value: a.status, label: label('status', a.status, lang) },
    assessedOn: a.assessedOn,
    note: a.note,
    evidence: [...a.evidence],
    recordedAt: a.recordedAt,
  };

/** The cluster titles as recorded by the cut (the latest title of each cluster stream). */
const clusterTitles = (events: readonly StoredEvent[]): Map<string, { en: string; fr: string }> => {
  const titles = new Map<string, { en: string; fr: string }>();
  for (const e of events) {
    if (!clusterEvents.has(e.type)) continue;
    const event = clusterEvents.parse<ClusterEvent>(e);
    titles.set(event.data.clusterKey, event.data.title);
  }
  return titles;
};

/**
 * Document symbol and paragraph of each recommendation, from its created event (the tracker row keeps
 * only the citation; no event changes a recommendation's document).
 */
const documentsOf = (events: readonly StoredEvent[]): Map<string, RecommendationCreatedData['document']> => {
  const out = new Map<string, RecommendationCreatedData['document']>();
  for (const e of events)
    if (e.type === 'recommendation.created') {
      const event = recommendationEvents.parse<RecommendationCreated>(e);
      out.set(event.data.recommendationId, event.data.document);
    }
  return out;
};

const SERVICE_OF: Record<string, keyof ImplementationReportBody['builtFrom']['positions']> = {
  recommendation: 'recommendations',
  cluster: 'recommendations',
  commitment: 'commitments',
  assessment: 'follow-up',
};

const positionsOf = (events: readonly StoredEvent[]): ImplementationReportBody['builtFrom']['positions'] => {
  const out: Record<'recommendations' | 'commitments' | 'follow-up', number | null> = {
    recommendations: null,
    commitments: null,
    'follow-up': null,
  };
  for (const e of events) {
    const service = SERVICE_OF[aggregateOf(e.streamId)];
    if (service) out[service] = Math.max(out[service] ?? 0, e.position);
  }
  return out;
};

const STATUS_ORDER: readonly (AssessmentStatus | 'none')[] = [
  'implemented',
  'partially-implemented',
  'in-progress',
  'not-started',
  'not-implemented',
  'none',
];

const summaryOf = (
  recommendations: readonly ReportRecommendation[],
  commitments: readonly ReportCommitment[],
  lang: Language,
): ReportSummary => {
  const statusOf = (a: ReportAssessment | null): string => a?.status.value ?? 'none';
  const byTheme = new Map<string, Record<string, number>>();
  for (const r of recommendations)
    for (const theme of r.themes.length > 0 ? r.themes : ['unthemed']) {
      const row = byTheme.get(theme) ?? {};
      row[statusOf(r.latestAssessment)] = (row[statusOf(r.latestAssessment)] ?? 0) + 1;
      byTheme.set(theme, row);
    }
  return {
    recommendations: recommendations.length,
    commitments: commitments.length,
    byStatus: STATUS_ORDER.map((status) => ({
      status: {
        value: status,
        label: status === 'none' ? REPORT_LABELS.notAssessedStatus[lang] : label('status', status, lang),
      },
      recommendations: recommendations.filter((r) => statusOf(r.latestAssessment) === status).length,
      commitments: commitments.filter((c) => statusOf(c.latestAssessment) === status).length,
    })),
    byTheme: [...byTheme.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([theme, byStatus]) => ({
        theme,
        total: Object.values(byStatus).reduce((n, x) => n + x, 0),
        byStatus,
      })),
    overdue: commitments
      .filter((c) => c.overdueSince !== null)
      .sort((a, b) => (a.overdueSince ?? '').localeCompare(b.overdueSince ?? '') || a.id.localeCompare(b.id))
      .map((c) => ({
        id: c.id,
        title: c.title,
        dueDate: c.dueDate,
        dueDateKind: c.dueDateKind,
        overdueSince: c.overdueSince!,
        institutions: c.institutions,
      })),
  };
};

/**
 * The implementation report from the events of the streams it reads (recorded by the cut, in replay
 * order): the tracker's own projection folded over them (the audit as-of fold, libs/projections
 * foldProjectionRows) after the reporting-date rule (`inForce`), then grouped by cluster. Pure.
 */
export const buildReport = (
  events: readonly StoredEvent[],
  itemIds: readonly string[],
  clusterKeys: readonly string[],
  request: ReportRequest,
): ImplementationReportBody => {
  const { asOf, lang } = request;
  const t = labelIn(lang);
  const folded = foldProjectionRows(
    trackerItemProjection,
    events.filter((e) => inForce(e, asOf)),
    itemIds,
  );
  const rows = [...folded.values()].map((f) => f.doc).filter((r): r is TrackerItem => r !== null && r.known);

  const cut = endOfDay(asOf);
  const commitmentOf = (row: TrackerItem, c: TrackedCommitment): ReportCommitment => {
    const since = commitmentOverdueSince(c, cut);
    return {
      id: c.id,
      title: textIn(c.title, lang),
      institutions: [...c.institutions],
      dueDate: c.dueDate,
      dueDateKind: {
        value: c.dueDateKind as ReportCommitment['dueDateKind']['value'],
        label: dueDateKindLabel(c.dueDateKind, lang),
      },
      status: { value: c.status, label: label('status', c.status, lang) },
      overdue: since !== null,
      overdueSince: since?.slice(0, 10) ?? null,
      latestAssessment: assessmentOf(row.latestAssessment, lang),
    };
  };
  const commitments = rows
    .filter((r) => r.commitment !== null && onOrBefore(r.commitment.madeAt.date, asOf))
    .filter((r) => request.institution === null || r.commitment!.institutions.includes(request.institution))
    .map((r) => ({ links: r.commitment!.linkedRecommendationIds, report: commitmentOf(r, r.commitment!) }));

  const titles = clusterTitles(events);
  const documents = documentsOf(events);
  const selected = new Set(clusterKeys);
  const byCluster = new Map<string, ReportRecommendation[]>();
  for (const row of rows) {
    const r = row.recommendation;
    if (!r?.clusterKey || !selected.has(r.clusterKey)) continue;
    if (!onOrBefore(r.documentDate, asOf)) continue;
    if (request.mechanism !== null && r.mechanism !== request.mechanism) continue;
    if (request.publishedOnly && !r.published) continue;
    const linked = commitments.filter((c) => c.links.includes(r.id)).map((c) => c.report);
    if (request.institution !== null && linked.length === 0) continue;
    const list = byCluster.get(r.clusterKey) ?? [];
    list.push({
      id: r.id,
      externalKey: r.externalKey,
      mechanism: {
        value: r.mechanism as ReportRecommendation['mechanism']['value'],
        label: label('mechanism', r.mechanism, lang),
      },
      recommendingEntities: [...r.recommendingEntities],
      document: {
        symbol: documents.get(r.id)?.symbol ?? null,
        paragraph: documents.get(r.id)?.paragraph ?? null,
        citation: r.citation,
        date: r.documentDate,
      },
      text: textIn(r.text, lang),
      themes: [...r.themes],
      position: r.position
        ? {
            value: r.position as NonNullable<ReportRecommendation['position']>['value'],
            label: label('position', r.position, lang),
          }
        : null,
      latestAssessment: assessmentOf(row.latestAssessment, lang),
      commitments: linked.sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id)),
    });
    byCluster.set(r.clusterKey, list);
  }
  const clusters = [...byCluster.entries()]
    .map(([key, recommendations]) => {
      const title = titles.get(key);
      return {
        key,
        title: title ? title[lang] : key,
        recommendations: recommendations.sort(
          (a, b) =>
            a.document.citation.localeCompare(b.document.citation, 'en', { numeric: true }) ||
            a.id.localeCompare(b.id),
        ),
      };
    })
    .sort((a, b) => a.title.localeCompare(b.title, lang) || a.key.localeCompare(b.key));

  const reported = clusters.flatMap((c) => c.recommendations);
  const reportedCommitments = new Map(reported.flatMap((r) => r.commitments.map((c) => [c.id, c])));
  return {
    title: t('title'),
    lang,
    asOf,
    filters: {
      mechanism: request.mechanism as ImplementationReportBody['filters']['mechanism'],
      cluster: request.cluster,
      institution: request.institution,
    },
    builtFrom: {
      recordedUntil: request.recordedUntil.toISOString(),
      events: events.length,
      positions: positionsOf(events),
    },
    clusters,
    summary: summaryOf(reported, [...reportedCommitments.values()], lang),
  };
};
