import type { ClusterEvent, ClusterTitle } from '@tracker/contracts';
import { deciderSpec } from '@tracker/testing';
import { Cluster, type ClusterCommand } from './cluster';

const clusterKey = 'gbv-law';
const now = new Date('2026-01-01T00:00:00Z');
const gbv: ClusterTitle = {
  en: 'Adopt a law on gender-based violence',
  fr: 'Adopter une loi sur les violences basées sur le genre',
};

// ---- builders ----
const setTitle = (title: ClusterTitle): ClusterCommand => ({ type: 'set-title', clusterKey, title });
const titled = (title: ClusterTitle): ClusterEvent => ({
  type: 'recommendation-cluster.titled',
  schemaVersion: 1,
  data: { clusterKey, title },
});

// Applying what was decided and deciding again changes nothing: the command is idempotent.
const given = deciderSpec(Cluster, { now, idempotent: true });

describe(Cluster.name, () => {
  it('titles a cluster that has no title yet', () => {
    given().when(setTitle(gbv)).then(titled(gbv));
  });

  it('the same title again decides nothing, whatever the key order of the request', () => {
    given(titled(gbv)).when(setTitle(gbv)).then();
    given(titled(gbv))
      .when(setTitle({ fr: gbv.fr, en: gbv.en }))
      .then();
  });

  it('re-titling is a new event; a change in one language is a change', () => {
    const renamed = { ...gbv, en: 'Adopt and enforce a law on gender-based violence' };
    given(titled(gbv)).when(setTitle(renamed)).then(titled(renamed));
    given(titled(gbv), titled(renamed)).when(setTitle(gbv)).then(titled(gbv));
  });

  it('the state is the last title', () => {
    const other = { en: 'x', fr: 'y' };
    expect(given(titled(gbv), titled(other)).state).toEqual({ title: other });
    expect(given().state).toEqual({ title: null });
  });
});
