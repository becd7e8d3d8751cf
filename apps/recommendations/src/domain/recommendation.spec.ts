import {
  AggregateNotFoundError,
  InvalidTransitionError,
  type RecommendationCreatedData,
  type RecommendationEvent,
} from '@tracker/contracts';
import { Recommendation, type RecommendationCommand } from './recommendation';
import { deciderSpec } from '@tracker/testing';

const id = '0190d4c8-0000-7000-8000-000000000001';
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
const now = new Date('2026-01-01T00:00:00Z');

const created = (over: Partial<RecommendationCreatedData> = {}): RecommendationEvent => ({
  type: 'recommendation.created',
  schemaVersion: 1,
  data: {
    recommendationId: id,
    externalKey: 'hrc-res-40-26-op11',
    mechanism: 'hrc-resolution',
    recommendingEntities: ['Human Rights Council'],
    document: {
      symbol: 'A/HRC/RES/40/26',
      paragraph: 'OP11',
      citation: 'A/HRC/RES/40/26 OP11',
      date: '2019-03-22',
    },
    upr: null,
    text: { en: 'Adopt the law on gender-based violence.', fr: null },
    themes: ['gender-based-violence'],
    affectedGroups: ['women'],
    sdgTargets: ['5.2'],
    position: null,
    clusterKey: null,
    published: false,
    ...over,
  },
});

// Applying what was decided and deciding again changes nothing: every command is idempotent.
const spec = deciderSpec(Recommendation, { now, idempotent: true });
/** Commands here name no recommendation: they are all about `id`. */
const given = (...events: RecommendationEvent[]) => ({
  when: (c: DistributiveOmit<RecommendationCommand, 'recommendationId'>) =>
    spec(...events).when({ ...c, recommendationId: id }),
});

describe('Recommendation', () => {
  it('creates once; the same content again is a no-op, different content a conflict', () => {
    const draft = { ...(created().data as RecommendationCreatedData) };
    const { recommendationId: _r, ...rest } = draft;
    given().when({ type: 'create', draft: rest }).then({ type: 'recommendation.created' });
    given(created()).when({ type: 'create', draft: rest }).then();
    given(created())
      .when({ type: 'create', draft: { ...rest, themes: ['torture'] } })
      .thenThrows(InvalidTransitionError);
  });

  it('revises the text, keeping the language not given', () => {
    given(created())
      .when({ type: 'revise-text', fr: 'Adopter la loi sur les violences basées sur le genre.' })
      .then({
        type: 'recommendation.text-revised',
        data: {
          recommendationId: id,
          text: {
            en: 'Adopt the law on gender-based violence.',
            fr: 'Adopter la loi sur les violences basées sur le genre.',
          },
        },
      });
    given(created()).when({ type: 'revise-text', en: 'Adopt the law on gender-based violence.' }).then();
  });

  it('records a position with its date and source, once', () => {
    const position = { value: 'supported' as const, date: '2023-07-10', source: 'A/HRC/53/15/Add.1' };
    given(created())
      .when({ type: 'record-position', position })
      .then({ type: 'recommendation.position-recorded', data: { recommendationId: id, position } });
    given(created({ position })).when({ type: 'record-position', position }).then();
  });

  it('tags with full sets, deduplicated; the same tags again emit nothing', () => {
    given(created())
      .when({ type: 'tag', themes: ['gender-based-violence', 'accountability', 'accountability'] })
      .then({
        type: 'recommendation.tagged',
        data: {
          recommendationId: id,
          themes: ['gender-based-violence', 'accountability'],
          affectedGroups: ['women'],
          sdgTargets: ['5.2'],
        },
      });
    given(created())
      .when({ type: 'tag', sdgTargets: ['5.2'] })
      .then();
  });

  it('assigns to a cluster and takes it out again', () => {
    given(created())
      .when({ type: 'assign-cluster', clusterKey: 'gbv-law' })
      .then({
        type: 'recommendation.cluster-assigned',
        data: { recommendationId: id, clusterKey: 'gbv-law' },
      });
    given(created({ clusterKey: 'gbv-law' }))
      .when({ type: 'assign-cluster', clusterKey: null })
      .then({ type: 'recommendation.cluster-assigned', data: { recommendationId: id, clusterKey: null } });
  });

  it('publishes and unpublishes; publishing a published item emits nothing', () => {
    given(created())
      .when({ type: 'set-publication', published: true })
      .then({ type: 'recommendation.published' });
    given(created({ published: true }))
      .when({ type: 'set-publication', published: true })
      .then();
    given(created({ published: true }))
      .when({ type: 'set-publication', published: false })
      .then({ type: 'recommendation.unpublished' });
  });

  it('refuses to change a recommendation that does not exist', () => {
    given().when({ type: 'set-publication', published: true }).thenThrows(AggregateNotFoundError);
    given().when({ type: 'revise-text', en: 'x' }).thenThrows(AggregateNotFoundError);
  });
});
