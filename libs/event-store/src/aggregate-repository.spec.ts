import { AggregateRepository, PreconditionFailedError } from './aggregate-repository';
import { ConcurrencyError } from './errors';
import type { AppendRequest, AppendResult } from './event-store.port';
import { InMemoryEventStore } from './in-memory-event-store';
import { counter, Incremented } from './testing/counter-aggregate';

const meta = {
  actor: 'a',
  role: 'secretariat',
  correlationId: 'c',
  causationId: null,
  occurredAt: '2026-01-01T00:00:00Z',
};

/** A store where another writer always commits between our load and our append. */
class RacingStore extends InMemoryEventStore {
  override async append(request: AppendRequest): Promise<AppendResult> {
    await super.append({ ...request, events: [Incremented({ by: 100 })] });
    return super.append(request);
  }
}

describe(AggregateRepository.name, () => {
  it('maps a lost race to 412 when the client sent If-Match', async () => {
    const sut = new AggregateRepository(new RacingStore(), counter);
    await expect(sut.execute('x', { by: 1 }, meta, { expectedVersion: 0 })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
  });

  it('reloads and decides again without If-Match, and gives up with a conflict after its retries', async () => {
    const sut = new AggregateRepository(new RacingStore(), counter);
    await expect(sut.execute('x', { by: 1 }, meta, { retries: 2 })).rejects.toBeInstanceOf(ConcurrencyError);
  });

  it('rejects a stale If-Match before deciding', async () => {
    const store = new InMemoryEventStore();
    const sut = new AggregateRepository(store, counter);
    await sut.execute('x', { by: 1 }, meta);
    await expect(sut.execute('x', { by: 1 }, meta, { expectedVersion: 0 })).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect((await sut.load('x')).state).toEqual({ value: 1 });
  });
});
