import { Inject, Injectable } from '@nestjs/common';
import type { FollowUpEvent } from '@tracker/contracts';
import { AggregateRepository, EVENT_STORE, type EventStore } from '@tracker/event-store';
import { Assessment, type AssessmentCommand, type AssessmentState } from '../domain/assessment';

@Injectable()
export class AssessmentRepository extends AggregateRepository<
  AssessmentState,
  AssessmentCommand,
  FollowUpEvent
> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, Assessment);
  }
}
