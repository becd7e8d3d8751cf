import { commitmentEvents, type CommitmentEvent, type StoredEvent } from '@tracker/contracts';
import type { Projection } from '@tracker/projections';

/** Which institutions answer for a commitment: event-carried state from the commitments topic. */
export interface CommitmentOwnership {
  readonly commitmentId: string;
  readonly institutions: readonly string[];
}

export const COMMITMENT_OWNERSHIP = 'commitment_ownership';

export const commitmentOwnershipProjection: Projection<CommitmentOwnership> = {
  name: COMMITMENT_OWNERSHIP,
  route: (event) =>
    event.type === 'commitment.created' || event.type === 'commitment.revised'
      ? [event.streamId.replace(/^commitment-/, '')]
      : [],
  apply: (doc, stored: StoredEvent) => {
    const event = commitmentEvents.parse<CommitmentEvent>(stored);
    if (event.type === 'commitment.created' || event.type === 'commitment.revised')
      return { commitmentId: event.data.commitmentId, institutions: event.data.institutions };
    return doc;
  },
};
