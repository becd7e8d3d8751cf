import { Inject, Injectable } from '@nestjs/common';
import { AggregateRepository, EVENT_STORE, type EventStore } from '@tracker/event-store';
import type { RecommendationEvent } from '@tracker/contracts';
import {
  Recommendation,
  type RecommendationCommand,
  type RecommendationState,
} from '../domain/recommendation';

@Injectable()
export class RecommendationRepository extends AggregateRepository<
  RecommendationState,
  RecommendationCommand,
  RecommendationEvent
> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, Recommendation);
  }
}
