import {
  commitmentEvents,
  dueInstantOf,
  followUpEvents,
  idInStream,
  recommendationEvents,
  type AssessmentStatus,
  type CommitmentEvent,
  type CommitmentStatus,
  type Evidence,
  type FollowUpEvent,
  type RecommendationEvent,
  type StoredEvent,
} from '@tracker/contracts';
import { entityKey, searchTokens } from '@tracker/platform';
import type { Projection, SummarySpec } from '@tracker/projections';
import {
  ALL,
  assessedList,
  bucketKey,
  bucketKeysOf,
  clusterList,
  entityList,
  institutionList,
  kindList,
  mechanismList,
  orderOf,
  PUBLIC,
  staleList,
  statusList,
  themeList,
  WORD_LEVEL,
  wordList,
} from './tracker-keys';

/** What the tracker shows of a recommendation (event-carried state from the recommendations topic). */
export interface TrackedRecommendation {
  readonly id: string;
  readonly externalKey: string | null;
  readonly mechanism: string;
  readonly recommendingEntities: readonly string[];
  readonly citation: string;
  readonly documentDate: string;
  readonly text: { en: string; fr: string | null };
  readonly themes: readonly string[];
  readonly position: string | null;
  readonly clusterKey: string | null;
  readonly published: boolean;
}

/** What the tracker shows of a commitment (event-carried state from the commitments topic). */
export interface TrackedCommitment {
  readonly id: string;
  readonly externalKey: string | null;
  readonly title: { en: string; fr: string | null };
  readonly text: string;
  readonly madeAt: { forum: string; date: string | null; citation: string };
  readonly institutions: readonly string[];
  readonly dueDate: string;
  readonly dueDateKind: string;
  /** The due instant (ISO): "overdue" is judged against it at query time. */
  readonly dueAt: string;
  readonly status: CommitmentStatus;
  readonly linkedRecommendationIds: readonly string[];
}

export interface LatestAssessment {
  readonly status: AssessmentStatus;
  readonly assessedOn: string;
  readonly assessor: string;
  readonly note: string | null;
  readonly evidence: readonly Evidence[];
  readonly recordedAt: string;
  /** Version in the item's assessment stream: the n-th assessment recorded. */
  readonly sequence: number;
}

/**
 * One row per tracked item (a recommendation or a commitment), keyed by the item's id. A row holds its
 * own item and its latest assessment; the links between recommendations and commitments are joined
 * when the tracker is read (see TrackerReader), so they are right whichever topic delivered first.
 */
export interface TrackerItem {
  readonly itemId: string;
  readonly kind: 'recommendation' | 'commitment';
  /** False until the item's own created event arrived (an assessment may arrive first). */
  readonly known: boolean;
  readonly recommendation: TrackedRecommendation | null;
  readonly commitment: TrackedCommitment | null;
  readonly latestAssessment: LatestAssessment | null;
  /** Latest assessment's status, `none` when never assessed: what the filters and dashboard count by. */
  readonly assessmentStatus: AssessmentStatus | 'none';
  readonly assessmentCount: number;
  /**
   * Set by the stale check (assessment.stale): no assessment recorded since this instant; cleared by a
   * later assessment. Absent on rows written before it existed (read as null).
   */
  readonly staleSince?: string | null;
  readonly updatedAt: string;
  /**
   * On a recommendation: the commitments that said they link to it (commitment.created/revised are
   * routed to the linked recommendations too). A claim outlives a revision that drops the link (the
   * event names only the new links): readers keep a claim only if the commitment still lists it.
   */
  readonly claimedBy: readonly string[];
  /** Position of the item's created event in its service's store: where the row is summarized. */
  readonly createdPosition: number | null;
  /** Every list and bucket the row is in, the equality keys its queries use (tracker-keys.ts). */
  readonly keys: readonly string[];
}

export const TRACKER = 'tracker_items';

const emptyRow = (id: string, kind: TrackerItem['kind'], at: string): TrackerItem => ({
  itemId: id,
  kind,
  known: false,
  recommendation: null,
  commitment: null,
  latestAssessment: null,
  assessmentStatus: 'none',
  assessmentCount: 0,
  staleSince: null,
  updatedAt: at,
  claimedBy: [],
  createdPosition: null,
  keys: [],
});

/** Events of three topics arrive in any order: a row was last updated by the latest of them. */
const later = (current: string | undefined, at: string): string =>
  current !== undefined && current > at ? current : at;

const applyRecommendation = (
  doc: TrackerItem | null,
  event: RecommendationEvent & { metadata: { recordedAt: string } },
  id: string,
  position: number,
): TrackerItem | null => {
  const at = event.metadata.recordedAt;
  if (event.type === 'recommendation.created') {
    const d = event.data;
    return {
      ...(doc ?? emptyRow(id, 'recommendation', at)),
      known: true,
      createdPosition: position,
      recommendation: {
        id: d.recommendationId,
        externalKey: d.externalKey,
        mechanism: d.mechanism,
        recommendingEntities: d.recommendingEntities,
        citation: d.document.citation,
        documentDate: d.document.date,
        text: { en: d.text.en, fr: d.text.fr },
        themes: d.themes,
        position: d.position?.value ?? null,
        clusterKey: d.clusterKey,
        published: d.published,
      },
      updatedAt: later(doc?.updatedAt, at),
    };
  }
  const r = doc?.recommendation;
  if (!doc || !r) return doc;
  const set = (patch: Partial<TrackedRecommendation>): TrackerItem => ({
    ...doc,
    recommendation: { ...r, ...patch },
    updatedAt: later(doc.updatedAt, at),
  });
  switch (event.type) {
    case 'recommendation.text-revised':
      return set({ text: event.data.text });
    case 'recommendation.position-recorded':
      return set({ position: event.data.position.value });
    case 'recommendation.tagged':
      return set({ themes: event.data.themes });
    case 'recommendation.cluster-assigned':
      return set({ clusterKey: event.data.clusterKey });
    case 'recommendation.published':
      return set({ published: true });
    case 'recommendation.unpublished':
      return set({ published: false });
    default: {
      const _exhaustive: never = event;
      return doc;
    }
  }
};

const applyCommitment = (
  doc: TrackerItem | null,
  event: CommitmentEvent & { metadata: { recordedAt: string } },
  id: string,
  position: number,
): TrackerItem | null => {
  const at = event.metadata.recordedAt;
  if (event.type === 'commitment.created') {
    const d = event.data;
    return {
      ...(doc ?? emptyRow(id, 'commitment', at)),
      known: true,
      createdPosition: position,
      commitment: {
        id: d.commitmentId,
        externalKey: d.externalKey,
        title: d.title,
        text: d.text,
        madeAt: { forum: d.madeAt.forum, date: d.madeAt.date, citation: d.madeAt.citation },
        institutions: d.institutions,
        dueDate: d.dueDate,
        dueDateKind: d.dueDateKind,
        dueAt: dueInstantOf(d.dueDate).toISOString(),
        status: 'open',
        linkedRecommendationIds: d.linkedRecommendationIds,
      },
      updatedAt: later(doc?.updatedAt, at),
    };
  }
  const c = doc?.commitment;
  if (!doc || !c) return doc;
  const set = (patch: Partial<TrackedCommitment>): TrackerItem => ({
    ...doc,
    commitment: { ...c, ...patch },
    updatedAt: later(doc.updatedAt, at),
  });
  switch (event.type) {
    case 'commitment.revised': {
      const d = event.data;
      return set({
        title: d.title,
        text: d.text,
        madeAt: { forum: d.madeAt.forum, date: d.madeAt.date, citation: d.madeAt.citation },
        institutions: d.institutions,
        linkedRecommendationIds: d.linkedRecommendationIds,
      });
    }
    case 'commitment.due-date-extended':
      return set({
        dueDate: event.data.dueDate,
        dueDateKind: event.data.dueDateKind,
        dueAt: dueInstantOf(event.data.dueDate).toISOString(),
      });
    case 'commitment.reopened':
      return set({ status: 'open' });
    case 'commitment.fulfilled':
      return set({ status: 'fulfilled' });
    case 'commitment.withdrawn':
      return set({ status: 'withdrawn' });
    case 'commitment.lapsed':
      return set({ status: 'lapsed' });
    case 'commitment.deadline-approaching':
      return doc;
    default: {
      const _exhaustive: never = event;
      return doc;
    }
  }
};

/**
 * A commitment event seen by a recommendation it links to: the row remembers the claim. It leaves
 * `updatedAt` alone (a row a claim creates starts with none), so the row is the same whichever of the
 * commitment and recommendation topics delivered first.
 */
const applyClaim = (doc: TrackerItem | null, event: CommitmentEvent, id: string): TrackerItem | null => {
  if (event.type !== 'commitment.created' && event.type !== 'commitment.revised') return doc;
  const row = doc ?? emptyRow(id, 'recommendation', '');
  if (row.claimedBy.includes(event.data.commitmentId)) return doc;
  return { ...row, claimedBy: [...row.claimedBy, event.data.commitmentId].sort() };
};

/** Newest by assessment date; on the same date the later recorded one. */
const newer = (a: LatestAssessment, b: LatestAssessment | null): boolean =>
  !b || a.assessedOn > b.assessedOn || (a.assessedOn === b.assessedOn && a.sequence > b.sequence);

const applyAssessment = (
  doc: TrackerItem | null,
  event: FollowUpEvent & { version: number; metadata: { recordedAt: string } },
  id: string,
): TrackerItem | null => {
  if (event.type === 'assessment.stale') {
    const d = event.data;
    const row = doc ?? emptyRow(id, d.target.kind, event.metadata.recordedAt);
    // A check that counted from an assessment older than the latest one is news of the past.
    if (row.latestAssessment && row.latestAssessment.recordedAt > d.since) return doc;
    if ((row.staleSince ?? null) === d.since) return doc;
    return { ...row, staleSince: d.since };
  }
  if (event.type !== 'assessment.recorded') return doc;
  const d = event.data;
  const row = doc ?? emptyRow(id, d.target.kind, event.metadata.recordedAt);
  const candidate: LatestAssessment = {
    status: d.status,
    assessedOn: d.assessedOn,
    assessor: d.assessor,
    note: d.note,
    evidence: d.evidence,
    recordedAt: event.metadata.recordedAt,
    sequence: event.version,
  };
  const latest = newer(candidate, row.latestAssessment) ? candidate : row.latestAssessment;
  return {
    ...row,
    latestAssessment: latest,
    assessmentStatus: latest?.status ?? 'none',
    // The stream holds only this item's assessments: its version is how many were recorded.
    assessmentCount: Math.max(row.assessmentCount, event.version),
    // Stale checks count from the newest assessment: one recorded after the check's start ends it.
    staleSince:
      row.staleSince && row.staleSince < event.metadata.recordedAt ? null : (row.staleSince ?? null),
    updatedAt: later(row.updatedAt, event.metadata.recordedAt),
  };
};

/** What a commitment takes from a recommendation it links to (themes, cluster), and who sees it. */
export interface LinkFacets {
  readonly themes: readonly string[];
  readonly cluster: string | null;
  readonly published: boolean;
}

/** A commitment as its links, the dashboard and "overdue" need it: few enough to keep them all. */
export type CommitmentFacts = Pick<
  TrackedCommitment,
  'id' | 'title' | 'dueDate' | 'dueDateKind' | 'dueAt' | 'status' | 'institutions' | 'linkedRecommendationIds'
> & { readonly assessmentStatus: AssessmentStatus | 'none' };

export interface TrackerTally {
  /** Counts over known rows, by who reads them: `n|<list>` for staff, `v|<list>` for viewers. */
  readonly counts: Readonly<Record<string, number>>;
  /**
   * By `<commitment id>|<recommendation id>`, for every claim a known recommendation holds: so a
   * commitment's themes (dashboard cells, the theme filter) need no read of its recommendations.
   */
  readonly links: Readonly<Record<string, LinkFacets>>;
  /** Every known commitment, by id (a state's own: hundreds). */
  readonly commitments: Readonly<Record<string, CommitmentFacts>>;
}

export const linkOf = (commitmentId: string, recommendationId: string): string =>
  `${commitmentId}|${recommendationId}`;

/** A recommendation without a theme counts under this one in the status × theme cells. */
export const UNTHEMED = 'unthemed';

/** The status × theme cell key of a tally. */
export const cellKey = (status: string, theme: string): string => `st:${status}|${theme}`;
/**
 * Status × cluster, for the dashboard's chart. Clusters are curated groupings (tens to hundreds), so
 * these cells stay few; a cluster's own list is not counted (see listsOf's use below).
 */
export const clusterCellKey = (status: string, cluster: string): string => `sc:${status}|${cluster}`;

const isPublic = (row: TrackerItem): boolean =>
  row.known && (row.kind === 'commitment' || row.recommendation?.published === true);

/** The lists a known row is in (tracker-keys.ts); a commitment's themes come from its links, at read time. */
const listsOf = (row: TrackerItem): string[] => {
  if (!row.known) return [];
  const r = row.recommendation;
  return [
    ALL,
    ...(isPublic(row) ? [PUBLIC] : []),
    kindList(row.kind),
    statusList(row.assessmentStatus),
    assessedList(row.assessmentStatus !== 'none'),
    staleList(Boolean(row.staleSince)),
    ...(r ? [mechanismList(r.mechanism)] : []),
    ...unique((r?.recommendingEntities ?? []).map(entityKey)).map(entityList),
    ...(row.commitment?.institutions ?? []).map(institutionList),
    ...(r?.themes ?? []).map(themeList),
    ...(r?.clusterKey ? [clusterList(r.clusterKey)] : []),
  ];
};

const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

/** The words `q` finds the row by: a recommendation's text (en, fr) and citation, a commitment's title and text. */
const wordsOf = (row: TrackerItem): string[] => {
  if (!row.known) return [];
  const r = row.recommendation;
  const c = row.commitment;
  return searchTokens(r?.text.en, r?.text.fr, r?.citation, c?.title.en, c?.title.fr, c?.text);
};

const tally = (rows: readonly TrackerItem[]): TrackerTally => {
  const out: Record<string, number> = {};
  const links: Record<string, LinkFacets> = {};
  const commitments: Record<string, CommitmentFacts> = {};
  const add = (k: string): void => {
    out[k] = (out[k] ?? 0) + 1;
  };
  for (const row of rows) {
    if (!row.known) continue;
    const counted = [
      ...listsOf(row).filter((l) => !l.startsWith('cluster:')),
      ...(row.kind === 'recommendation'
        ? (row.recommendation?.themes.length ? row.recommendation.themes : [UNTHEMED]).map((t) =>
            cellKey(row.assessmentStatus, t),
          )
        : []),
      ...(row.recommendation?.clusterKey
        ? [clusterCellKey(row.assessmentStatus, row.recommendation.clusterKey)]
        : []),
    ];
    for (const k of counted) {
      add(`n|${k}`);
      if (isPublic(row)) add(`v|${k}`);
    }
    const r = row.recommendation;
    if (r)
      for (const c of row.claimedBy)
        links[linkOf(c, row.itemId)] = { themes: r.themes, cluster: r.clusterKey, published: r.published };
    const c = row.commitment;
    if (c)
      commitments[c.id] = {
        id: c.id,
        title: c.title,
        dueDate: c.dueDate,
        dueDateKind: c.dueDateKind,
        dueAt: c.dueAt,
        status: c.status,
        institutions: c.institutions,
        linkedRecommendationIds: c.linkedRecommendationIds,
        assessmentStatus: row.assessmentStatus,
      };
  }
  return { counts: out, links, commitments };
};

/**
 * The tracker's counts (dashboard, list sizes), links and commitments, kept by the projection store
 * from the rows themselves
 * (libs/projections/src/summaries.ts). Rows are grouped by the position of their created event, so an
 * import touches a few groups per batch: 64 positions a group, 32 groups a level (a top document per
 * 65,536 positions). Clusters are not counted: there may be thousands, and a cluster list is read at
 * a fixed level (TrackerReader).
 */
export const trackerSummaries: SummarySpec<TrackerItem, TrackerTally> = {
  slotOf: (row) =>
    row.known && row.createdPosition !== null
      ? { space: row.kind === 'recommendation' ? 'r' : 'c', ordinal: row.createdPosition }
      : null,
  fanOut: [64, 32, 32],
  summarize: tally,
  merge: (parts) => {
    const counts: Record<string, number> = {};
    const links: Record<string, LinkFacets> = {};
    const commitments: Record<string, CommitmentFacts> = {};
    for (const p of parts) {
      for (const [k, n] of Object.entries(p.counts)) counts[k] = (counts[k] ?? 0) + n;
      Object.assign(links, p.links);
      Object.assign(commitments, p.commitments);
    }
    return { counts, links, commitments };
  },
};

/** The row with the keys its state puts it under. */
const withKeys = (row: TrackerItem): TrackerItem => {
  const order = orderOf(row.itemId);
  return {
    ...row,
    keys: [
      ...listsOf(row).flatMap((l) => bucketKeysOf(l, order)),
      ...wordsOf(row).map((w) => bucketKey(wordList(w), order.slice(0, WORD_LEVEL))),
    ],
  };
};

const fold = (doc: TrackerItem | null, stored: StoredEvent, id: string): TrackerItem | null => {
  if (recommendationEvents.has(stored.type))
    return applyRecommendation(
      doc,
      recommendationEvents.parse<RecommendationEvent>(stored),
      id,
      stored.position,
    );
  if (commitmentEvents.has(stored.type)) {
    const event = commitmentEvents.parse<CommitmentEvent>(stored);
    return stored.streamId === `commitment-${id}`
      ? applyCommitment(doc, event, id, stored.position)
      : applyClaim(doc, event, id);
  }
  if (followUpEvents.has(stored.type))
    return applyAssessment(doc, followUpEvents.parse<FollowUpEvent>(stored), id);
  return doc;
};

/** The tracker: fed only by the recommendations, commitments and follow-up topics. */
export const trackerItemProjection: Projection<TrackerItem> = {
  name: TRACKER,
  route: (event) => {
    const recommendation = idInStream(event.streamId, 'recommendation');
    if (recommendation !== null && recommendationEvents.has(event.type)) return [recommendation];
    const commitment = idInStream(event.streamId, 'commitment');
    if (commitment !== null && commitmentEvents.has(event.type)) {
      const links = (event.data as { linkedRecommendationIds?: unknown } | null)?.linkedRecommendationIds;
      return [
        commitment,
        ...(Array.isArray(links) ? links.filter((l): l is string => typeof l === 'string') : []),
      ];
    }
    if (event.type === 'assessment.recorded' || event.type === 'assessment.stale') {
      const target = (event.data as { target?: { id?: unknown } } | null)?.target?.id;
      return typeof target === 'string' ? [target] : [];
    }
    return [];
  },
  apply: (doc, stored, id) => {
    const next = fold(doc, stored, id);
    return next === null || next === doc ? next : withKeys(next);
  },
  summaries: trackerSummaries,
};
