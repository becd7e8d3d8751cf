import {
  canonicalJson,
  InvalidTransitionError,
  RecommendationCreated,
  recommendationEvents,
  type RecommendationCreatedData,
  type RecommendationEvent,
} from '@tracker/contracts';

export type RecommendationDraft = Omit<RecommendationCreatedData, 'recommendationId'>;

export type RecommendationCommand = {
  readonly type: 'create';
  readonly recommendationId: string;
  readonly draft: RecommendationDraft;
};

export type RecommendationState =
  { readonly exists: false } | ({ readonly exists: true } & RecommendationCreatedData);

export const initialState: RecommendationState = { exists: false };

const sameContent = (a: RecommendationCreatedData, b: RecommendationCreatedData): boolean =>
  canonicalJson(a) === canonicalJson(b);

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
        if (sameContent(current, data)) return [];
        throw new InvalidTransitionError(
          `recommendation ${cmd.recommendationId} already exists with different content`,
        );
      }
      return [RecommendationCreated(data)];
    }
    default: {
      const _exhaustive: never = cmd.type;
      return _exhaustive;
    }
  }
};

export const evolve = (state: RecommendationState, event: RecommendationEvent): RecommendationState => {
  switch (event.type) {
    case 'recommendation.created':
      return { exists: true, ...event.data };
    default: {
      const _exhaustive: never = event.type;
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
