import type { StoredEvent } from '@tracker/contracts';

/**
 * The deadline timers a commitment asks for (deadline-scheduler.ts): job names, ids and instants, all
 * deterministic so that scheduling the same due date twice is one set of jobs.
 */

/** The BullMQ queue holding a namespace's deadline jobs. */
export const deadlineQueueName = (topicPrefix: string): string =>
  `${topicPrefix}commitments-deadlines`.replace(/:/g, '_');

/** Deterministic: the same commitment and due instant is one job, however often it is scheduled. */
export const lapseJobId = (commitmentId: string, dueAtMs: number): string =>
  `lapse:${commitmentId}:${dueAtMs}`;

/** Deterministic: one reminder job per commitment, due instant (the revision of its deadline) and lead time. */
export const reminderJobId = (commitmentId: string, dueAtMs: number, leadMs: number): string =>
  `remind-${leadMs}:${commitmentId}:${dueAtMs}`;

export interface LapseJob {
  readonly commitmentId: string;
  readonly dueAtMs: number;
  /** Set on reminder jobs (job name `remind`): the lead time in ms. */
  readonly leadMs?: number;
  /** The event that caused the schedule, for correlation; null when reconciliation scheduled it. */
  readonly cause: Pick<StoredEvent, 'eventId' | 'metadata'> | null;
}

/** The jobs (name, id, data, due instant) one due date asks for: reminders whose instant is after `setAtMs`, and the lapse. */
export const jobsFor = (
  commitmentId: string,
  dueAtMs: number,
  setAtMs: number,
  leadsMs: readonly number[],
  cause: LapseJob['cause'],
): { name: 'lapse' | 'remind'; jobId: string; data: LapseJob; atMs: number }[] => [
  ...leadsMs
    .filter((lead) => dueAtMs - lead > setAtMs)
    .map((leadMs) => ({
      name: 'remind' as const,
      jobId: reminderJobId(commitmentId, dueAtMs, leadMs),
      data: { commitmentId, dueAtMs, leadMs, cause },
      atMs: dueAtMs - leadMs,
    })),
  {
    name: 'lapse' as const,
    jobId: lapseJobId(commitmentId, dueAtMs),
    data: { commitmentId, dueAtMs, cause },
    atMs: dueAtMs,
  },
];

/** Events after which the commitment may be open with a (new) due instant, or whose timers are stale. */
export const SCHEDULING_EVENTS = new Set([
  'commitment.created',
  'commitment.due-date-extended',
  'commitment.reopened',
  'commitment.fulfilled',
  'commitment.withdrawn',
  'commitment.lapsed',
]);
