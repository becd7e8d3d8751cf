import { eventStoreConformance } from './event-store.conformance';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreConformance(InMemoryEventStore.name, async () => {
  const store = new InMemoryEventStore();
  return {
    store: () => store,
    tamper: async (streamId, version) =>
      store.tamper(streamId, version, (data) => {
        data.n = 1000;
      }),
  };
});
