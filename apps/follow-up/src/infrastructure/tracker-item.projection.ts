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
import type { Projection } from '@tracker/projections';
import { bucketKey, bucketKeysOf, orderOf, WORD_LEVEL, wordList } from './tracker-keys';
import { listsOf, wordsOf } from './tracker-lists';
import { trackerSummaries } from './tracker-tally';

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
