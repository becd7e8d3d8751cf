import {
  AggregateNotFoundError,
  canonicalJson,
  InvalidTransitionError,
  RecommendationClusterAssigned,
  RecommendationCreated,
  recommendationEvents,
  RecommendationPositionRecorded,
  RecommendationPublished,
  RecommendationTagged,
  RecommendationTextRevised,
  RecommendationUnpublished,
  type LocalizedText,
  type Position,
  type RecommendationCreatedData,
  type RecommendationEvent,
} from '@tracker/contracts';

export type RecommendationDraft = Omit<RecommendationCreatedData, 'recommendationId'>;

export type RecommendationCommand = { readonly recommendationId: string } & (
  | { readonly type: 'create'; readonly draft: RecommendationDraft }
  | { readonly type: 'revise-text'; readonly en?: string; readonly fr?: string | null }
  | { readonly type: 'record-position'; readonly position: Position }
  | {
      readonly type: 'tag';
      readonly themes?: readonly string[];
      readonly affectedGroups?: readonly string[];
      readonly sdgTargets?: readonly string[];
    }
  | { readonly type: 'assign-cluster'; readonly clusterKey: string | null }
  | { readonly type: 'set-publication'; readonly published: boolean }
);

export type RecommendationState =
  { readonly exists: false } | ({ readonly exists: true } & RecommendationCreatedData);

export const initialState: RecommendationState = { exists: false };

const same = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);
const unique = (xs: readonly string[]): string[] => [...new Set(xs)];

const existing = (
  state: RecommendationState,
  cmd: RecommendationCommand,
): { readonly exists: true } & RecommendationCreatedData => {
  if (!state.exists) throw new AggregateNotFoundError('recommendation', cmd.recommendationId);
  return state;
};

/**
 * Every command that would change nothing decides no event: imports, the seed and retried requests
 * are repeatable without growing the stream.
 */
export const decide = (
  cmd: RecommendationCommand,
  state: RecommendationState,
  _now: Date,
): RecommendationEvent[] => {
  switch (cmd.type) {
    case 'create': {
      const data: RecommendationCreatedData = { recommendationId: cmd.recommendationId, ...cmd.draft };
      if (state.exists) {
        // Re-importing the same item is a no-op, not an error: imports and the seed must be repeatable.
        const { exists: _e, ...current } = state;
        if (same(current, data)) return [];
        throw new InvalidTransitionError(
          `recommendation ${cmd.recommendationId} already exists with different content`,
        );
      }
      return [RecommendationCreated(data)];
    }
    case 'revise-text': {
      const s = existing(state, cmd);
      const text: LocalizedText = {
        en: cmd.en ?? s.text.en,
        fr: cmd.fr === undefined ? s.text.fr : cmd.fr,
      };
      if (same(text, s.text)) return [];
      return [RecommendationTextRevised({ recommendationId: s.recommendationId, text })];
    }
    case 'record-position': {
      const s = existing(state, cmd);
      if (same(cmd.position, s.position)) return [];
      return [
        RecommendationPositionRecorded({ recommendationId: s.recommendationId, position: cmd.position }),
      ];
    }
    case 'tag': {
      const s = existing(state, cmd);
      const tags = {
        themes: unique(cmd.themes ?? s.themes),
        affectedGroups: unique(cmd.affectedGroups ?? s.affectedGroups),
        sdgTargets: unique(cmd.sdgTargets ?? s.sdgTargets),
      };
      if (same(tags, { themes: s.themes, affectedGroups: s.affectedGroups, sdgTargets: s.sdgTargets }))
        return [];
      return [RecommendationTagged({ recommendationId: s.recommendationId, ...tags })];
    }
    case 'assign-cluster': {
      const s = existing(state, cmd);
      if (cmd.clusterKey === s.clusterKey) return [];
      return [
        RecommendationClusterAssigned({ recommendationId: s.recommendationId, clusterKey: cmd.clusterKey }),
      ];
    }
    case 'set-publication': {
      const s = existing(state, cmd);
      if (cmd.published === s.published) return [];
      const data = { recommendationId: s.recommendationId };
      return [cmd.published ? RecommendationPublished(data) : RecommendationUnpublished(data)];
    }
    default: {
      const _exhaustive: never = cmd;
      return _exhaustive;
    }
  }
};

export const evolve = (state: RecommendationState, event: RecommendationEvent): RecommendationState => {
  if (event.type === 'recommendation.created') return { exists: true, ...event.data };
  if (!state.exists) return state;
  switch (event.type) {
    case 'recommendation.text-revised':
      return { ...state, text: event.data.text };
    case 'recommendation.position-recorded':
      return { ...state, position: event.data.position };
    case 'recommendation.tagged':
      return {
        ...state,
        themes: event.data.themes,
        affectedGroups: event.data.affectedGroups,
        sdgTargets: event.data.sdgTargets,
      };
    case 'recommendation.cluster-assigned':
      return { ...state, clusterKey: event.data.clusterKey };
    case 'recommendation.published':
      return { ...state, published: true };
    case 'recommendation.unpublished':
      return { ...state, published: false };
    default: {
      const _exhaustive: never = event;
      return state;
    }
  }
};

export const Recommendation = {
  name: 'recommendation',
  initialState,
  decide,
  evolve,
  registry: recommendationEvents,
} as const;
