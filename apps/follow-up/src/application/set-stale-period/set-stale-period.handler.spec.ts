import type { Db } from 'mongodb';
import { assessmentIdFor } from '@tracker/contracts';
import { InMemoryEventStore } from '@tracker/event-store';
import { ProblemError, type RequestContext } from '@tracker/platform';
import { StalenessRepository } from '../../infrastructure/staleness.repository';
import { SetStalePeriodCommand } from './set-stale-period.command';
import { SetStalePeriodHandler } from './set-stale-period.handler';

const rec = '0190d4c8-0000-7000-8000-0000000000a1';
const unknown = '0190d4c8-0000-7000-8000-000000000000';
const stream = `staleness-${assessmentIdFor({ kind: 'recommendation', id: rec })}`;

const ctx: RequestContext = {
  principal: { subject: 'test-secretariat', role: 'secretariat', institution: null },
  correlationId: 'corr-1',
};
/** The tracker read model, in memory: one known recommendation. */
const trackerDb = {
  collection: () => ({
    findOne: (q: { _id: string }) =>
      Promise.resolve(q._id === rec ? { _id: rec, kind: 'recommendation', known: true } : null),
  }),
} as unknown as Db;

describe(SetStalePeriodHandler.name, () => {
  let store: InMemoryEventStore;
  let sut: SetStalePeriodHandler;
  beforeEach(() => {
    store = new InMemoryEventStore();
    sut = new SetStalePeriodHandler(new StalenessRepository(store), trackerDb);
  });

  it('appends assessment.stale-period-set to the item’s staleness stream, with actor and reason', async () => {
    const result = await sut.execute(new SetStalePeriodCommand(rec, 30, 'reported every month', ctx));
    expect(result).toEqual({
      itemId: rec,
      target: { kind: 'recommendation', id: rec },
      staleAfterDays: 30,
      changed: true,
    });
    const [event, ...rest] = await store.readStream(stream);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'assessment.stale-period-set',
      schemaVersion: 1,
      data: { target: { kind: 'recommendation', id: rec }, staleAfterDays: 30 },
      metadata: { actor: 'test-secretariat', role: 'secretariat', reason: 'reported every month' },
    });
  });

  it('the same period again changes nothing; null clears it', async () => {
    await sut.execute(new SetStalePeriodCommand(rec, 30, null, ctx));
    expect(await sut.execute(new SetStalePeriodCommand(rec, 30, null, ctx))).toMatchObject({
      changed: false,
    });
    expect(await sut.execute(new SetStalePeriodCommand(rec, null, null, ctx))).toMatchObject({
      staleAfterDays: null,
      changed: true,
    });
    expect((await store.readStream(stream)).map((e) => e.data)).toEqual([
      expect.objectContaining({ staleAfterDays: 30 }),
      expect.objectContaining({ staleAfterDays: null }),
    ]);
  });

  it('an item follow-up does not know is a 404, and nothing is appended', async () => {
    await expect(sut.execute(new SetStalePeriodCommand(unknown, 30, null, ctx))).rejects.toBeInstanceOf(
      ProblemError,
    );
    await expect(sut.execute(new SetStalePeriodCommand(unknown, 30, null, ctx))).rejects.toMatchObject({
      problem: { status: 404 },
    });
    // No commit of any stream is waiting for a position.
    expect(await store.assignPositions(100)).toBe(0);
  });
});
