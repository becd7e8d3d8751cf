import { Registry } from 'prom-client';
import { consumerGroupBacklog, type OffsetsAdmin } from './consumer-backlog';
import { ProjectionLag, registerProjectionLagMetrics } from './projection-lag';

const at = (seconds: number): number => Date.UTC(2026, 0, 1) + seconds * 1000;
const recordedAt = (seconds: number) => ({
  metadata: {
    actor: 'a',
    role: 'secretariat',
    correlationId: 'c',
    causationId: null,
    occurredAt: new Date(at(seconds)).toISOString(),
    recordedAt: new Date(at(seconds)).toISOString(),
  },
});

describe(ProjectionLag.name, () => {
  let now: number;
  let backlog: number;
  let sut: ProjectionLag;

  beforeEach(() => {
    now = at(0);
    backlog = 0;
    sut = new ProjectionLag({ clock: () => now, refreshIntervalMs: 0 });
    sut.track('catalogue', () => Promise.resolve(backlog));
  });

  it('reads 0 events and 0 seconds when caught up', async () => {
    await sut.refresh();
    expect(sut.readings()).toEqual([{ projection: 'catalogue', events: 0, seconds: 0 }]);
  });

  it('under steady traffic, counts seconds from the last applied event', async () => {
    now = at(100);
    backlog = 4;
    await sut.refresh();
    sut.applied('catalogue', recordedAt(150));
    now = at(160);
    await sut.refresh();
    expect(sut.readings()).toEqual([{ projection: 'catalogue', events: 4, seconds: 10 }]);
  });

  it('after a quiet spell, counts seconds from falling behind, not from the old last event', async () => {
    sut.applied('catalogue', recordedAt(0));
    now = at(1_000);
    backlog = 3;
    await sut.refresh();
    now = at(1_012);
    expect(sut.readings()[0]).toEqual({ projection: 'catalogue', events: 3, seconds: 12 });
  });

  it('goes back to 0 when the backlog is drained, and starts over when it grows again', async () => {
    backlog = 2;
    await sut.refresh();
    now = at(30);
    backlog = 0;
    await sut.refresh();
    expect(sut.readings()[0]).toMatchObject({ events: 0, seconds: 0 });
    backlog = 1;
    await sut.refresh();
    now = at(35);
    expect(sut.readings()[0]).toMatchObject({ events: 1, seconds: 5 });
  });

  it('keeps the previous reading when the backlog cannot be read in time', async () => {
    backlog = 7;
    await sut.refresh();
    const stuck = new ProjectionLag({ clock: () => now, refreshIntervalMs: 0, readTimeoutMs: 10 });
    let calls = 0;
    stuck.track('catalogue', () => {
      calls += 1;
      return calls === 1 ? Promise.resolve(7) : new Promise<number>(() => undefined);
    });
    await stuck.refresh();
    await stuck.refresh();
    expect(stuck.readings()[0]).toMatchObject({ events: 7 });
  });

  it('reads backlogs at most once per refresh interval', async () => {
    let reads = 0;
    const throttled = new ProjectionLag({ clock: () => now, refreshIntervalMs: 1_000 });
    throttled.track('catalogue', () => Promise.resolve((reads += 1)));
    await Promise.all([throttled.refresh(), throttled.refresh()]);
    await throttled.refresh();
    now = at(2);
    await throttled.refresh();
    expect(reads).toBe(2);
  });

  it('is exposed as Prometheus gauges labelled by projection', async () => {
    const registry = new Registry();
    registerProjectionLagMetrics(registry, sut);
    backlog = 5;
    sut.applied('catalogue', recordedAt(-2));
    const text = await registry.metrics();
    expect(text).toContain('tracker_projection_lag_events{projection="catalogue"} 5');
    expect(text).toContain('tracker_projection_lag_seconds{projection="catalogue"} 0');
    now = at(3);
    expect(await registry.metrics()).toContain('tracker_projection_lag_seconds{projection="catalogue"} 3');
  });
});

describe(consumerGroupBacklog.name, () => {
  const admin = (committed: Record<string, string>): OffsetsAdmin => ({
    fetchTopicOffsets: (topic) =>
      Promise.resolve(
        [0, 1, 2].map((partition) => ({
          partition,
          high: String(topic === 'a' ? 10 * (partition + 1) : 5),
          low: String(topic === 'a' ? 0 : 2),
        })),
      ),
    fetchOffsets: ({ topics }) =>
      Promise.resolve(
        topics.map((topic) => ({
          topic,
          partitions: [0, 1, 2].map((partition) => ({
            partition,
            offset: committed[`${topic}/${partition}`] ?? '-1',
          })),
        })),
      ),
  });

  it('sums end minus committed offsets over every partition of every topic', async () => {
    const sut = admin({ 'a/0': '10', 'a/1': '15', 'a/2': '30', 'b/0': '5', 'b/1': '4' });
    // a: 0 + 5 + 0; b: 0 + 1 + (5 - 2: nothing committed, from the log start)
    await expect(consumerGroupBacklog(sut, 'g', ['a', 'b'])).resolves.toBe(9);
  });

  it('counts a group that committed nothing from the log start', async () => {
    await expect(consumerGroupBacklog(admin({}), 'g', ['a'])).resolves.toBe(60);
  });
});
