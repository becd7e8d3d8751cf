import { Inject, Injectable } from '@nestjs/common';
import type { FollowUpEvent } from '@tracker/contracts';
import { AggregateRepository, EVENT_STORE, type EventStore } from '@tracker/event-store';
import { Staleness, type StalenessCommand, type StalenessState } from '../domain/staleness';

@Injectable()
export class StalenessRepository extends AggregateRepository<
  StalenessState,
  StalenessCommand,
  FollowUpEvent
> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, Staleness);
  }
}
