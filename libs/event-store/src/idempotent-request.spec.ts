import { AggregateRepository } from './aggregate-repository';
import { InMemoryEventStore } from './in-memory-event-store';
import {
  keepingRequestKey,
  newAggregateId,
  type RequestScope,
  runAsRequest,
  withRequestFields,
} from './idempotent-request';
import { counter, Incremented } from './testing/counter-aggregate';

const meta = {
  actor: 'a',
  role: 'secretariat',
  correlationId: 'req-1',
  causationId: null,
  occurredAt: '2026-01-01T00:00:00Z',
};
const scope = (committed: RequestScope['committed'] = []): RequestScope => ({
  request: { key: 'k', fingerprint: 'f' },
  correlationId: 'req-1',
  committed,
});
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe(withRequestFields.name, () => {
  const fields = { keys: ['type:x'] };

  it('adds the request and its key to a commit of the request itself', () => {
    expect(runAsRequest(scope(), () => withRequestFields(fields, meta))).toEqual({
      keys: ['type:x', 'idem:k'],
      request: { key: 'k', fingerprint: 'f' },
    });
  });

  it('leaves alone a commit outside a request, of another request, or caused by an event', () => {
    expect(withRequestFields(fields, meta)).toEqual(fields);
    expect(
      runAsRequest(scope(), () => withRequestFields(fields, { ...meta, correlationId: 'req-2' })),
    ).toEqual(fields);
    expect(runAsRequest(scope(), () => withRequestFields(fields, { ...meta, causationId: 'e-1' }))).toEqual(
      fields,
    );
  });

  it('keeps the key when a migration recomputes the index fields', () => {
    expect(keepingRequestKey(fields, { request: { key: 'k', fingerprint: 'f' } }).keys).toEqual([
      'type:x',
      'idem:k',
    ]);
    expect(keepingRequestKey(fields, {})).toEqual(fields);
  });
});

describe(newAggregateId.name, () => {
  const id = '01a24eae-9b0b-739b-b5ff-91410602c79b';
  const created = {
    streamId: `counter-${id}`,
    version: 1,
    lastVersion: 1,
    recordedAt: new Date(),
    fingerprint: 'f',
  };

  it('is a new UUIDv7 outside a replay', () => {
    expect(newAggregateId('counter')).toMatch(UUID);
    expect(newAggregateId('counter')).not.toBe(newAggregateId('counter'));
    expect(runAsRequest(scope(), () => newAggregateId('counter'))).toMatch(UUID);
  });

  it('is the id the replayed request created, for that aggregate only', () => {
    expect(runAsRequest(scope([created]), () => newAggregateId('counter'))).toBe(id);
    expect(runAsRequest(scope([created]), () => newAggregateId('count'))).not.toBe(id);
    expect(runAsRequest(scope([{ ...created, version: 2 }]), () => newAggregateId('counter'))).not.toBe(id);
  });
});

describe('AggregateRepository on a replayed request', () => {
  it('answers the committed result (state after that commit, its version and events) and appends nothing', async () => {
    const store = new InMemoryEventStore();
    const sut = new AggregateRepository(store, counter);
    await sut.execute('x', { by: 1 }, meta);
    const first = await runAsRequest(scope(), () => sut.execute('x', { by: 10 }, meta));
    await sut.execute('x', { by: 100 }, { ...meta, correlationId: 'someone-else' });
    const committed = await store.committedFor('k');
    expect(committed.map((c) => [c.streamId, c.version, c.lastVersion])).toEqual([['counter-x', 2, 2]]);

    // The retry: another body would be refused before this; the same command, If-Match stale by now.
    const replayed = await runAsRequest(scope(committed), () =>
      sut.execute('x', { by: 10 }, meta, { expectedVersion: 1 }),
    );
    expect(replayed).toEqual(first);
    expect(replayed).toEqual({ state: { value: 11 }, version: 2, events: [Incremented({ by: 10 })] });
    expect(await store.readStream('counter-x')).toHaveLength(3);
    // Another stream in the same request is not a replay of it.
    await runAsRequest(scope(committed), () => sut.execute('y', { by: 5 }, meta));
    expect(await store.readStream('counter-y')).toHaveLength(1);
  });
});
