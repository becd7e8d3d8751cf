import { foldRouted, storedEvent } from '@tracker/testing';
import type { ClusterTitle, StoredEvent } from '@tracker/contracts';
import { clusterTitlesProjection as sut, type ClusterTitleDocument } from './cluster-titles.projection';
import { recommendationCatalogueProjection } from './recommendation-catalogue.projection';

const gbv: ClusterTitle = {
  en: 'Adopt a law on gender-based violence',
  fr: 'Adopter une loi sur les violences basées sur le genre',
};
const renamed: ClusterTitle = { ...gbv, en: 'Adopt and enforce a law on gender-based violence' };

const event = (streamId: string, version: number, type: string, data: unknown) =>
  storedEvent(streamId, version, type, data, `2026-01-0${version}T00:00:00.000Z`);
const titled = (version: number, title: ClusterTitle, clusterKey = 'gbv-law'): StoredEvent =>
  event(`cluster-${clusterKey}`, version, 'recommendation-cluster.titled', { clusterKey, title });

const fold = (events: StoredEvent[], twice = false): Map<string, ClusterTitleDocument> =>
  foldRouted(sut, events, { twice });

describe('clusterTitlesProjection', () => {
  const events = [titled(1, gbv), titled(1, gbv, 'death-penalty-abolition'), titled(2, renamed)];

  it('keeps the last title of each cluster, with its version and when it was set', () => {
    const docs = fold(events);
    expect([...docs.keys()]).toEqual(['gbv-law', 'death-penalty-abolition']);
    expect(docs.get('gbv-law')).toEqual({
      clusterKey: 'gbv-law',
      title: renamed,
      version: 2,
      titledAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it('applying every event twice changes nothing', () => {
    expect(fold(events, true)).toEqual(fold(events));
  });

  it('an older event arriving late does not bring an old title back', () => {
    expect(fold([titled(2, renamed), titled(1, gbv)]).get('gbv-law')).toMatchObject({
      title: renamed,
      version: 2,
    });
  });

  it('routes only cluster streams: recommendation events are not its business', () => {
    const assigned = event(
      'recommendation-0190d4c8-0000-7000-8000-000000000001',
      2,
      'recommendation.cluster-assigned',
      {
        recommendationId: '0190d4c8-0000-7000-8000-000000000001',
        clusterKey: 'gbv-law',
      },
    );
    expect(sut.route(assigned)).toEqual([]);
    expect(sut.route(titled(1, gbv))).toEqual(['gbv-law']);
  });

  it('the catalogue, on the same topic, does not take a title for a recommendation event', () => {
    expect(recommendationCatalogueProjection.route(titled(1, gbv))).toEqual([]);
  });
});
