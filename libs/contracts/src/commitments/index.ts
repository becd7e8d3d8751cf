import { EventRegistry } from '../event-registry';
import { CommitmentCreated } from './commitment-created.v1';
import { CommitmentDeadlineApproaching } from './commitment-deadline-approaching.v1';
import { CommitmentDueDateExtended } from './commitment-due-date-extended.v1';
import { CommitmentFulfilled } from './commitment-fulfilled.v1';
import { CommitmentLapsed } from './commitment-lapsed.v1';
import { CommitmentReopened } from './commitment-reopened.v1';
import { CommitmentRevised } from './commitment-revised.v1';
import { CommitmentWithdrawn } from './commitment-withdrawn.v1';

export * from './vocabulary';
export * from './commitment-created.v1';
export * from './commitment-revised.v1';
export * from './commitment-due-date-extended.v1';
export * from './commitment-reopened.v1';
export * from './commitment-fulfilled.v1';
export * from './commitment-withdrawn.v1';
export * from './commitment-lapsed.v1';
export * from './commitment-deadline-approaching.v1';
export * from './commitment.requests';
export * from './commitment.responses';

export type CommitmentEvent =
  | CommitmentCreated
  | CommitmentRevised
  | CommitmentDueDateExtended
  | CommitmentReopened
  | CommitmentFulfilled
  | CommitmentWithdrawn
  | CommitmentLapsed
  | CommitmentDeadlineApproaching;

/** Every event of the commitments context, deadline events (alerts) included. */
export const COMMITMENT_EVENT_DEFINITIONS = [
  CommitmentCreated,
  CommitmentRevised,
  CommitmentDueDateExtended,
  CommitmentReopened,
  CommitmentFulfilled,
  CommitmentWithdrawn,
  CommitmentLapsed,
  CommitmentDeadlineApproaching,
] as const;

export const commitmentEvents = new EventRegistry(COMMITMENT_EVENT_DEFINITIONS);
