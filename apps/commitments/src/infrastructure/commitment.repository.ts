import { Inject, Injectable } from '@nestjs/common';
import type { CommitmentEvent } from '@tracker/contracts';
import { AggregateRepository, EVENT_STORE, type EventStore } from '@tracker/event-store';
import { Commitment, type CommitmentCommand, type CommitmentState } from '../domain/commitment';

@Injectable()
export class CommitmentRepository extends AggregateRepository<
  CommitmentState,
  CommitmentCommand,
  CommitmentEvent
> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, Commitment);
  }
}
