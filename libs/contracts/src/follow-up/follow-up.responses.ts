import { z } from 'zod';
import type { AnswerOf } from '../answer';
import { CommitmentStatus, DueDate, Evidence } from '../commitments/vocabulary';
import { DocumentDate, IsoDate } from '../recommendations/vocabulary';
import { AssessmentRecordedData } from './assessment-recorded.v1';
import { AssessmentStatus, AssessmentTarget, TargetKind } from './vocabulary';

/*
 * What the follow-up API answers: the OpenAPI document's 2xx schemas are generated from these, and the
 * controllers' return types are written with them, so the two cannot drift.
 */

const Instant = z.iso.datetime({ offset: true });
const Version = z.number().int().min(1);
const Count = z.number().int().min(0);
const Title = z.object({ en: z.string(), fr: z.string().nullable() });
const StatusOrNone = z.union([AssessmentStatus, z.literal('none')]);

/** `POST /api/assessments` (201 recorded, 200 exactly this assessment was recorded before). */
export const RecordAssessmentResult = z.object({
  assessmentId: z.uuid(),
  target: AssessmentTarget,
  version: Version,
  /** False when exactly this assessment was recorded before (nothing changed). */
  recorded: z.boolean(),
});
export type RecordAssessmentResult = AnswerOf<typeof RecordAssessmentResult>;

/** One assessment of an item's history. */
export const AssessmentHistoryEntry = AssessmentRecordedData.extend({
  /** The n-th assessment recorded for this item. */
  sequence: Version,
  eventId: z.uuid(),
  recordedAt: Instant,
  recordedBy: z.object({ actor: z.string(), role: z.string() }),
});

/** `GET /api/assessments`: the history of one item, newest first. */
export const AssessmentHistoryBody = z.object({
  assessmentId: z.uuid(),
  target: AssessmentTarget,
  /** Version of the item's assessment stream (also the ETag); 0 when it was never assessed. */
  version: Count,
  items: z.array(AssessmentHistoryEntry),
});
export type AssessmentHistoryBody = AnswerOf<typeof AssessmentHistoryBody>;

/** `PUT /api/tracker/items/{id}/stale-after`. */
export const SetStalePeriodResult = z.object({
  itemId: z.uuid(),
  target: AssessmentTarget,
  /** The item's own period now in force (0 = never stale), null when the global one applies. */
  staleAfterDays: Count.nullable(),
  /** False when the item already had exactly this period: nothing was appended. */
  changed: z.boolean(),
});
export type SetStalePeriodResult = AnswerOf<typeof SetStalePeriodResult>;

const TrackedRecommendationBody = z.object({
  id: z.uuid(),
  externalKey: z.string().nullable(),
  mechanism: z.string(),
  recommendingEntities: z.array(z.string()),
  citation: z.string(),
  documentDate: DocumentDate,
  text: Title,
  themes: z.array(z.string()),
  position: z.string().nullable(),
  clusterKey: z.string().nullable(),
  published: z.boolean(),
});

const TrackedCommitmentBody = z.object({
  id: z.uuid(),
  externalKey: z.string().nullable(),
  title: Title,
  text: z.string(),
  madeAt: z.object({ forum: z.string(), date: IsoDate.nullable(), citation: z.string() }),
  institutions: z.array(z.string()),
  dueDate: DueDate,
  dueDateKind: z.string(),
  dueAt: Instant,
  status: CommitmentStatus,
  linkedRecommendationIds: z.array(z.uuid()),
  overdue: z.boolean(),
  overdueSince: Instant.nullable(),
});

const LatestAssessmentBody = z.object({
  status: AssessmentStatus,
  assessedOn: IsoDate,
  assessor: z.string(),
  note: z.string().nullable(),
  evidence: z.array(Evidence),
  recordedAt: Instant,
  sequence: Version,
});

/** One tracked item: a recommendation or a commitment, its links and its latest assessment. */
export const TrackerItemBody = z.object({
  itemId: z.uuid(),
  kind: TargetKind,
  recommendation: TrackedRecommendationBody.nullable(),
  commitment: TrackedCommitmentBody.nullable(),
  latestAssessment: LatestAssessmentBody.nullable(),
  assessmentStatus: StatusOrNone,
  assessmentCount: Count,
  /** No assessment since this instant, as the stale check found; null when not stale. */
  staleSince: Instant.nullable(),
  updatedAt: Instant,
  /** The recommendation's themes, or for a commitment those of its linked recommendations. */
  themes: z.array(z.string()),
  clusters: z.array(z.string()),
  linkedCommitments: z.array(
    z.object({
      id: z.uuid(),
      title: Title,
      dueDate: DueDate,
      dueDateKind: z.string(),
      status: CommitmentStatus,
      overdue: z.boolean(),
      overdueSince: Instant.nullable(),
    }),
  ),
  linkedRecommendations: z.array(
    z.object({
      id: z.uuid(),
      citation: z.string(),
      themes: z.array(z.string()),
      clusterKey: z.string().nullable(),
      position: z.string().nullable(),
    }),
  ),
  /** A commitment overdue, or a recommendation with an overdue linked commitment. */
  overdue: z.boolean(),
  /** Earliest due instant among what makes it overdue. */
  overdueSince: Instant.nullable(),
});
export type TrackerItemBody = AnswerOf<typeof TrackerItemBody>;

/** `GET /api/tracker`. */
export const TrackerPageBody = z.object({
  items: z.array(TrackerItemBody),
  nextCursor: z.string().nullable(),
  asOf: Instant,
});
export type TrackerPageBody = AnswerOf<typeof TrackerPageBody>;

/** `GET /api/dashboard`. */
export const DashboardBody = z.object({
  asOf: Instant,
  totals: z.object({
    items: Count,
    recommendations: Count,
    commitments: Count,
    assessed: Count,
    unassessed: Count,
    overdueCommitments: Count,
  }),
  /** Items by latest assessment status (`none`: never assessed). */
  byStatus: z.record(z.string(), Count),
  /** Items by latest assessment status × theme; an item counts once under each of its themes. */
  byStatusAndTheme: z.array(z.object({ status: StatusOrNone, theme: z.string(), count: Count })),
  /**
   * Items by latest assessment status × cluster, for the clusters with the most items (at most 20); a
   * commitment counts under the clusters of the recommendations it is linked to.
   */
  byStatusAndCluster: z.array(z.object({ status: StatusOrNone, cluster: z.string(), count: Count })),
  overdueCommitments: z.array(
    z.object({
      id: z.uuid(),
      title: Title,
      dueDate: DueDate,
      dueDateKind: z.string(),
      status: CommitmentStatus,
      overdueSince: Instant,
      institutions: z.array(z.string()),
      assessmentStatus: StatusOrNone,
    }),
  ),
  unassessed: z.object({
    total: Count,
    items: z.array(z.object({ itemId: z.uuid(), kind: TargetKind, label: z.string() })),
    nextCursor: z.string().nullable(),
  }),
});
export type DashboardBody = AnswerOf<typeof DashboardBody>;

const AlertCommon = {
  /** The id of the event that raised it: also the webhook-id of its deliveries. */
  alertId: z.uuid(),
  itemKind: TargetKind,
  itemId: z.uuid(),
  correlationId: z.string(),
  raisedAt: Instant,
  acknowledged: z.boolean(),
  acknowledgedAt: Instant.nullable(),
  acknowledgedBy: z.string().nullable(),
};

/** One alert of the feed. */
export const AlertBody = z.discriminatedUnion('type', [
  z.object({
    ...AlertCommon,
    type: z.literal('commitment.lapsed'),
    commitmentId: z.uuid(),
    dueDate: DueDate,
    dueAt: Instant,
    lapsedAt: Instant,
  }),
  z.object({
    ...AlertCommon,
    type: z.literal('commitment.deadline-approaching'),
    commitmentId: z.uuid(),
    dueDate: DueDate,
    dueAt: Instant,
    leadMs: Count,
    remindAt: Instant,
    remindedAt: Instant,
  }),
  z.object({
    ...AlertCommon,
    type: z.literal('assessment.stale'),
    target: AssessmentTarget,
    assessmentId: z.uuid(),
    since: Instant,
    lastAssessedAt: Instant.nullable(),
    staleAfterMs: Count,
    period: Count,
    staleAt: Instant,
  }),
]);
export type AlertBody = AnswerOf<typeof AlertBody>;

/** `GET /api/alerts`, newest first. */
export const AlertPageBody = z.object({ items: z.array(AlertBody), nextCursor: z.string().nullable() });
export type AlertPageBody = AnswerOf<typeof AlertPageBody>;

/** A webhook subscription, as listed (never with its secret). */
export const SubscriptionBody = z.object({
  subscriptionId: z.uuid(),
  url: z.url(),
  /** The alert types it receives (`commitment.lapsed`, …); empty: every alert type. */
  eventTypes: z.array(z.string()),
  createdAt: Instant,
  createdBy: z.string(),
});
export type SubscriptionBody = AnswerOf<typeof SubscriptionBody>;

/** `POST /api/subscriptions`: the subscription and its signing secret, given only here. */
export const CreatedSubscriptionBody = SubscriptionBody.extend({
  /** Standard Webhooks secret: `whsec_` + base64. */
  secret: z.string().regex(/^whsec_[A-Za-z0-9+/]+=*$/),
});
export type CreatedSubscriptionBody = AnswerOf<typeof CreatedSubscriptionBody>;

/** `GET /api/subscriptions`. */
export const SubscriptionListBody = z.object({ items: z.array(SubscriptionBody) });
export type SubscriptionListBody = AnswerOf<typeof SubscriptionListBody>;

/** `GET /api/subscriptions/{id}/deliveries`: one entry per alert, with every attempt, newest first. */
export const DeliveryListBody = z.object({
  items: z.array(
    z.object({
      subscriptionId: z.uuid(),
      eventId: z.uuid(),
      status: z.enum(['pending', 'delivered', 'failed']),
      attempts: z.array(
        z.object({ at: Instant, status: z.number().int().nullable(), error: z.string().nullable() }),
      ),
      createdAt: Instant,
      deliveredAt: Instant.nullable(),
    }),
  ),
});
export type DeliveryListBody = AnswerOf<typeof DeliveryListBody>;
