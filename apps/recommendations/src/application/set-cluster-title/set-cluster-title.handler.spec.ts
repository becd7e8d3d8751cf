import { InMemoryEventStore, PreconditionFailedError } from '@tracker/event-store';
import type { RequestContext } from '@tracker/platform';
import { ClusterRepository } from '../../infrastructure/cluster.repository';
import { SetClusterTitleCommand } from './set-cluster-title.command';
import { SetClusterTitleHandler } from './set-cluster-title.handler';

const ctx: RequestContext = {
  principal: { subject: 'test-secretariat', role: 'secretariat', institution: null },
  correlationId: 'corr-1',
};
const gbv = {
  en: 'Adopt a law on gender-based violence',
  fr: 'Adopter une loi sur les violences basées sur le genre',
};
const renamed = { ...gbv, en: 'Adopt and enforce a law on gender-based violence' };

describe(SetClusterTitleHandler.name, () => {
  let store: InMemoryEventStore;
  let sut: SetClusterTitleHandler;
  beforeEach(() => {
    store = new InMemoryEventStore();
    sut = new SetClusterTitleHandler(new ClusterRepository(store));
  });

  it('appends recommendation-cluster.titled to the cluster’s own stream, with the actor', async () => {
    const result = await sut.execute(new SetClusterTitleCommand('gbv-law', gbv, undefined, ctx));
    expect(result).toEqual({ clusterKey: 'gbv-law', title: gbv, version: 1, changed: true });
    const [event, ...rest] = await store.readStream('cluster-gbv-law');
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'recommendation-cluster.titled',
      schemaVersion: 1,
      data: { clusterKey: 'gbv-law', title: gbv },
      metadata: { actor: 'test-secretariat', role: 'secretariat', correlationId: 'corr-1' },
    });
  });

  it('the same title again appends nothing; a new one is a second event', async () => {
    await sut.execute(new SetClusterTitleCommand('gbv-law', gbv, undefined, ctx));
    expect(await sut.execute(new SetClusterTitleCommand('gbv-law', gbv, undefined, ctx))).toEqual({
      clusterKey: 'gbv-law',
      title: gbv,
      version: 1,
      changed: false,
    });
    expect(await sut.execute(new SetClusterTitleCommand('gbv-law', renamed, 1, ctx))).toMatchObject({
      version: 2,
      changed: true,
    });
    expect((await store.readStream('cluster-gbv-law')).map((e) => e.data)).toEqual([
      { clusterKey: 'gbv-law', title: gbv },
      { clusterKey: 'gbv-law', title: renamed },
    ]);
  });

  it('a stale If-Match is refused and appends nothing', async () => {
    await sut.execute(new SetClusterTitleCommand('gbv-law', gbv, undefined, ctx));
    await expect(sut.execute(new SetClusterTitleCommand('gbv-law', renamed, 0, ctx))).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await store.readStream('cluster-gbv-law')).toHaveLength(1);
  });
});
