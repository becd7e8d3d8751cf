import { Inject, Injectable } from '@nestjs/common';
import type { RecipientEvent } from '@tracker/contracts';
import { AggregateRepository, EVENT_STORE, type EventStore } from '@tracker/event-store';
import { Recipient, type RecipientCommand, type RecipientState } from '../domain/recipient';

@Injectable()
export class RecipientRepository extends AggregateRepository<
  RecipientState,
  RecipientCommand,
  RecipientEvent
> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, Recipient);
  }
}
