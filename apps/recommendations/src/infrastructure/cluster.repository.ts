import { Inject, Injectable } from '@nestjs/common';
import type { ClusterEvent } from '@tracker/contracts';
import { AggregateRepository, EVENT_STORE, type EventStore } from '@tracker/event-store';
import { Cluster, type ClusterCommand, type ClusterState } from '../domain/cluster';

@Injectable()
export class ClusterRepository extends AggregateRepository<ClusterState, ClusterCommand, ClusterEvent> {
  constructor(@Inject(EVENT_STORE) store: EventStore) {
    super(store, Cluster);
  }
}
