import type { DomainEvent } from '@tracker/contracts';
import { GENESIS_HASH } from '@tracker/contracts';
import { ConcurrencyError } from './errors';
import type { AppendMetadata, EventStore } from './event-store.port';
import { runAsRequest } from './idempotent-request';

/**
 * The contract every EventStore honours, as one suite: run by the in-memory store's unit test and by
 * the MongoDB store's integration test, so the fake used in unit tests cannot drift from the real one.
 */
export interface ConformanceHarness {
  readonly store: () => EventStore;
  /** Changes one stored event's data behind the store's back (what an attacker with DB access does). */
  readonly tamper: (streamId: string, version: number) => Promise<void>;
}

/** Who appends in the store's own tests. */
export const testAppendMetadata: AppendMetadata = {
  actor: 'alice',
  role: 'secretariat',
  correlationId: 'c-1',
  causationId: null,
  occurredAt: '2026-01-01T00:00:00.000Z',
};
const meta = testAppendMetadata;
const ev = (n: number): DomainEvent => ({ type: 'thing.happened', schemaVersion: 1, data: { n } });

export const eventStoreConformance = (name: string, setup: () => Promise<ConformanceHarness>): void => {
  describe(`${name} honours the EventStore contract`, () => {
    let h: ConformanceHarness;
    let sut: EventStore;
    let seq = 0;
    const stream = (): string => `thing-${name.replace(/\W/g, '')}-${Date.now()}-${(seq += 1)}`;

    beforeEach(async () => {
      h = await setup();
      sut = h.store();
    });

    it('appends a commit and reads it back in version order with a hash chain from genesis', async () => {
      const s = stream();
      await sut.append({ streamId: s, expectedVersion: 0, events: [ev(1), ev(2)], metadata: meta });
      await sut.append({ streamId: s, expectedVersion: 2, events: [ev(3)], metadata: meta });
      const read = await sut.readStream(s);
      expect(read.map((e) => [e.version, (e.data as { n: number }).n])).toEqual([
        [1, 1],
        [2, 2],
        [3, 3],
      ]);
      expect(read[0]!.prevHash).toBe(GENESIS_HASH);
      expect(read[1]!.prevHash).toBe(read[0]!.hash);
      expect(read[2]!.prevHash).toBe(read[1]!.hash);
      expect(read[0]!.metadata).toMatchObject({ actor: 'alice', correlationId: 'c-1' });
      expect(typeof read[0]!.metadata.recordedAt).toBe('string');
    });

    it('rejects a writer whose expected version is stale, and keeps the first write', async () => {
      const s = stream();
      await sut.append({ streamId: s, expectedVersion: 0, events: [ev(1)], metadata: meta });
      await expect(
        sut.append({ streamId: s, expectedVersion: 0, events: [ev(99)], metadata: meta }),
      ).rejects.toBeInstanceOf(ConcurrencyError);
      const read = await sut.readStream(s);
      expect(read.map((e) => (e.data as { n: number }).n)).toEqual([1]);
    });

    it('lets exactly one of two concurrent writers with the same expected version win', async () => {
      const s = stream();
      const results = await Promise.allSettled([
        sut.append({ streamId: s, expectedVersion: 0, events: [ev(1)], metadata: meta }),
        sut.append({ streamId: s, expectedVersion: 0, events: [ev(2)], metadata: meta }),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect(rejected?.status === 'rejected' && rejected.reason).toBeInstanceOf(ConcurrencyError);
      expect(await sut.readStream(s)).toHaveLength(1);
    });

    it('gives positions only through assignPositions, contiguous and in commit order', async () => {
      const s1 = stream();
      const s2 = stream();
      while ((await sut.assignPositions(1000)) > 0); // earlier tests' commits first
      const head = await sut.headPosition();
      await sut.append({ streamId: s1, expectedVersion: 0, events: [ev(1), ev(2)], metadata: meta });
      await sut.append({ streamId: s2, expectedVersion: 0, events: [ev(3)], metadata: meta });
      expect((await sut.readStream(s1))[0]!.position).toBeNull();
      while ((await sut.assignPositions(1000)) > 0);
      const all = await sut.readAll(head, 1000);
      const ours = all.filter((e) => e.streamId === s1 || e.streamId === s2);
      expect(ours.map((e) => e.position)).toEqual([head + 1, head + 2, head + 3]);
      expect(await sut.headPosition()).toBeGreaterThanOrEqual(head + 3);
      expect(await sut.readAll(head + 1, 1)).toEqual([expect.objectContaining({ position: head + 2 })]);
    });

    it('appends many streams at once; a conflicting request fails alone, the others commit', async () => {
      const taken = stream();
      const fresh1 = stream();
      const fresh2 = stream();
      await sut.append({ streamId: taken, expectedVersion: 0, events: [ev(1)], metadata: meta });
      const outcomes = await sut.appendMany([
        { streamId: fresh1, expectedVersion: 0, events: [ev(10), ev(11)], metadata: meta },
        { streamId: taken, expectedVersion: 0, events: [ev(99)], metadata: meta },
        { streamId: fresh2, expectedVersion: 0, events: [ev(20)], metadata: meta },
      ]);
      expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
      const refused = outcomes[1]!;
      expect(!refused.ok && refused.error).toBeInstanceOf(ConcurrencyError);
      expect(outcomes[0]!.ok && outcomes[0]!.result.nextExpectedVersion).toBe(2);
      const read = await sut.readStreams([fresh1, taken, fresh2, stream()]);
      expect([...read.keys()].sort()).toEqual([fresh1, taken, fresh2].sort());
      expect(read.get(fresh1)!.map((e) => (e.data as { n: number }).n)).toEqual([10, 11]);
      expect(read.get(taken)!.map((e) => (e.data as { n: number }).n)).toEqual([1]);
      expect(read.get(fresh1)![1]!.prevHash).toBe(read.get(fresh1)![0]!.hash);
      expect((await sut.verify({ streamId: fresh2 })).breaks).toEqual([]);
    });

    it('reads a stream as it was recorded up to an instant', async () => {
      const s = stream();
      await sut.append({ streamId: s, expectedVersion: 0, events: [ev(1)], metadata: meta });
      const between = new Date();
      await new Promise((r) => setTimeout(r, 15));
      await sut.append({ streamId: s, expectedVersion: 1, events: [ev(2)], metadata: meta });
      expect(await sut.readStream(s, { recordedUntil: between })).toHaveLength(1);
      expect(await sut.readStream(s)).toHaveLength(2);
    });

    it('records an Idempotency-Key request with its commits, and finds them by its key alone', async () => {
      const s = stream();
      const key = `key-${s}`;
      const request = { key, fingerprint: 'f-1' };
      await runAsRequest({ request, correlationId: meta.correlationId, committed: [] }, async () => {
        await sut.append({ streamId: s, expectedVersion: 0, events: [ev(1), ev(2)], metadata: meta });
        await sut.appendMany([{ streamId: s, expectedVersion: 2, events: [ev(3)], metadata: meta }]);
        // What the request's events cause (a reaction, with a causation id) is not the request.
        await sut.append({
          streamId: s,
          expectedVersion: 3,
          events: [ev(4)],
          metadata: { ...meta, causationId: 'an-event' },
        });
      });
      await sut.append({ streamId: s, expectedVersion: 4, events: [ev(5)], metadata: meta });
      const found = await sut.committedFor(key);
      expect(found.map(({ recordedAt: _at, ...c }) => c)).toEqual([
        { streamId: s, version: 1, lastVersion: 2, fingerprint: 'f-1' },
        { streamId: s, version: 3, lastVersion: 3, fingerprint: 'f-1' },
      ]);
      expect(found[0]!.recordedAt).toBeInstanceOf(Date);
      expect(await sut.committedFor(`other-${key}`)).toEqual([]);
    });

    it('verifies an untouched stream and names the event whose stored content changed', async () => {
      const s = stream();
      await sut.append({ streamId: s, expectedVersion: 0, events: [ev(1), ev(2), ev(3)], metadata: meta });
      expect((await sut.verify({ streamId: s })).breaks).toEqual([]);
      await h.tamper(s, 2);
      const { breaks } = await sut.verify({ streamId: s });
      const second = (await sut.readStream(s))[1]!;
      expect(breaks).toEqual([
        { streamId: s, version: 2, eventId: second.eventId, reason: 'content does not match its hash' },
      ]);
    });
  });
};
