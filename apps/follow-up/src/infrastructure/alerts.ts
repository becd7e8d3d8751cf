import { randomBytes } from 'node:crypto';
import {
  type AssessmentTarget,
  commitmentEvents,
  type CommitmentEvent,
  followUpEvents,
  type FollowUpEvent,
  type StoredEvent,
} from '@tracker/contracts';

/**
 * What the alert feed keeps and sends (alert-feed.ts): the alerts the commitments and follow-up events
 * raise, the webhook subscriptions and their deliveries, and the pure mapping from an event to its alert.
 */

/** The event types that raise an alert. */
export const ALERT_TYPES = [
  'commitment.lapsed',
  'commitment.deadline-approaching',
  'assessment.stale',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

interface AlertBase {
  readonly _id: string;
  /** The id of the event that raised it: also the webhook-id of its deliveries. */
  readonly alertId: string;
  readonly type: AlertType;
  /** What the alert is about: a commitment, or (stale follow-up) a recommendation or commitment. */
  readonly itemKind: AssessmentTarget['kind'];
  readonly itemId: string;
  readonly correlationId: string;
  readonly raisedAt: string;
  readonly acknowledged: boolean;
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string | null;
}

export interface LapsedAlert extends AlertBase {
  readonly type: 'commitment.lapsed';
  readonly commitmentId: string;
  readonly dueDate: string;
  readonly dueAt: string;
  readonly lapsedAt: string;
}

export interface DeadlineApproachingAlert extends AlertBase {
  readonly type: 'commitment.deadline-approaching';
  readonly commitmentId: string;
  readonly dueDate: string;
  readonly dueAt: string;
  readonly leadMs: number;
  readonly remindAt: string;
  readonly remindedAt: string;
}

export interface StaleAlert extends AlertBase {
  readonly type: 'assessment.stale';
  readonly target: AssessmentTarget;
  readonly assessmentId: string;
  readonly since: string;
  readonly lastAssessedAt: string | null;
  readonly staleAfterMs: number;
  readonly period: number;
  readonly staleAt: string;
}

export type Alert = LapsedAlert | DeadlineApproachingAlert | StaleAlert;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RaisedAlert = DistributiveOmit<Alert, '_id' | 'raisedAt'>;

export interface Subscription {
  readonly _id: string;
  readonly subscriptionId: string;
  readonly url: string;
  /** Empty: every alert type. */
  readonly eventTypes: readonly string[];
  readonly secret: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface DeliveryAttempt {
  readonly at: string;
  readonly status: number | null;
  readonly error: string | null;
}

/** One (subscription, alert) pair: the unique index makes each alert reach a subscriber once. */
export interface Delivery {
  readonly _id: string;
  readonly subscriptionId: string;
  readonly eventId: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: readonly DeliveryAttempt[];
  readonly createdAt: string;
  readonly deliveredAt: string | null;
}

export const ALERTS = 'alerts';
export const SUBSCRIPTIONS = 'webhook_subscriptions';
export const DELIVERIES = 'webhook_deliveries';

/** A Standard Webhooks secret: `whsec_` + base64 of 24 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString('base64')}`;

/** The alert an event raises, or null (pure). */
export const alertOf = (stored: StoredEvent): RaisedAlert | null => {
  const common = {
    alertId: stored.eventId,
    correlationId: stored.metadata.correlationId,
    acknowledged: false,
    acknowledgedAt: null,
    acknowledgedBy: null,
  } as const;
  if (!(ALERT_TYPES as readonly string[]).includes(stored.type)) return null;
  if (commitmentEvents.has(stored.type)) {
    const event = commitmentEvents.parse<CommitmentEvent>(stored);
    if (event.type === 'commitment.lapsed')
      return {
        ...common,
        type: 'commitment.lapsed',
        itemKind: 'commitment',
        itemId: event.data.commitmentId,
        commitmentId: event.data.commitmentId,
        dueDate: event.data.dueDate,
        dueAt: event.data.dueAt,
        lapsedAt: event.data.lapsedAt,
      };
    if (event.type === 'commitment.deadline-approaching')
      return {
        ...common,
        type: 'commitment.deadline-approaching',
        itemKind: 'commitment',
        itemId: event.data.commitmentId,
        commitmentId: event.data.commitmentId,
        dueDate: event.data.dueDate,
        dueAt: event.data.dueAt,
        leadMs: event.data.leadMs,
        remindAt: event.data.remindAt,
        remindedAt: event.data.remindedAt,
      };
    return null;
  }
  if (followUpEvents.has(stored.type)) {
    const event = followUpEvents.parse<FollowUpEvent>(stored);
    if (event.type !== 'assessment.stale') return null;
    return {
      ...common,
      type: 'assessment.stale',
      itemKind: event.data.target.kind,
      itemId: event.data.target.id,
      target: event.data.target,
      assessmentId: event.data.assessmentId,
      since: event.data.since,
      lastAssessedAt: event.data.lastAssessedAt,
      staleAfterMs: event.data.staleAfterMs,
      period: event.data.period,
      staleAt: event.data.staleAt,
    };
  }
  return null;
};

/** The webhook body (Standard Webhooks payload shape). */
export const webhookPayload = (alert: Alert): string => {
  const { _id: _i, ...data } = alert;
  return JSON.stringify({ type: alert.type, timestamp: alert.raisedAt, data });
};
