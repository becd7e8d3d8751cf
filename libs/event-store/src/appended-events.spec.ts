import { BSON } from 'mongodb';
import type { CommitDocument } from './commit-document';
import { AppendedEvents } from './appended-events';

const commit = (position: number | undefined, events: number, data: unknown = { n: 1 }): CommitDocument =>
  ({
    _id: `c${position}`,
    streamId: `s-${position}`,
    version: 1,
    lastVersion: events,
    recordedAt: new Date(0),
    events: Array.from({ length: events }, (_, i) => ({
      eventId: `e${position}-${i}`,
      streamId: `s-${position}`,
      version: i + 1,
      type: 'thing.counted',
      schemaVersion: 1,
      data,
      metadata: { recordedAt: '1970-01-01T00:00:00.000Z' },
      prevHash: '0',
      hash: '1',
    })),
    ...(position === undefined ? {} : { position, lastPosition: position + events - 1 }),
  }) as unknown as CommitDocument;

describe('AppendedEvents', () => {
  it('gives a range only when it holds every position of it, and forgets what the relay passed', () => {
    const held = new AppendedEvents();
    held.remember(1, 5, [commit(1, 2), commit(3, 1), commit(undefined, 1), commit(5, 1)]);
    expect(held.take(0, 3)!.map((e) => e.position)).toEqual([1, 2, 3]);
    expect(held.take(3, 5)).toBeNull(); // 4 is not held (another instance's, or left empty)
    expect(held.take(4, 5)!.map((e) => e.position)).toEqual([5]);
    expect(held.take(5, 5)).toBeNull();
    expect(held.size).toBe(0);
    expect(held.filledHere(1)).toBe(true);
    expect(held.filledHere(1)).toBe(false); // asked once
  });

  it('holds events as the server would return them (undefined stored as null)', () => {
    const held = new AppendedEvents();
    held.remember(1, 1, [commit(1, 1, { n: 1, note: undefined })]);
    expect(held.take(0, 1)![0]!.data).toEqual({ n: 1, note: null });
  });

  it('stays within its bound and forgets everything when no relay took anything for its time', () => {
    let now = 0;
    const held = new AppendedEvents(2 * BSON.serialize(commit(1, 1)).length + 10, 1_000, () => now);
    held.remember(1, 3, [commit(1, 1), commit(2, 1), commit(3, 1)]);
    expect(held.size).toBe(2);
    now = 2_000;
    held.remember(5, 1, [commit(5, 1)]);
    expect(held.size).toBe(1);
    expect(held.filledHere(1)).toBe(false); // forgotten with the events
    expect(held.take(0, 5)).toBeNull();
  });

  it('hands out the claims it filled that run on from a position, each once, and stops at a gap', () => {
    const held = new AppendedEvents();
    held.remember(1, 2, [commit(1, 2)]);
    held.remember(3, 1, [commit(3, 1)]);
    held.remember(6, 1, [commit(6, 1)]); // 4-5: another instance's claim
    expect(held.filledFrom(2)).toEqual([]);
    expect(held.filledFrom(1)).toEqual([
      { first: 1, count: 2 },
      { first: 3, count: 1 },
    ]);
    expect(held.filledFrom(1)).toEqual([]);
    expect(held.filledHere(3)).toBe(false);
    expect(held.filledFrom(6)).toEqual([{ first: 6, count: 1 }]);
  });
});
