import {
  canonicalJson,
  clusterEvents,
  RecommendationClusterTitled,
  type ClusterEvent,
  type ClusterTitle,
} from '@tracker/contracts';

/**
 * A cluster ("same ask") as a thing of its own: its title. Which recommendations belong to it stays on
 * each recommendation (`recommendation.cluster-assigned`), so naming a cluster never touches them and a
 * cluster may be named before anything is assigned to it. Stream `cluster-<clusterKey>`.
 */
export type ClusterCommand = {
  readonly type: 'set-title';
  readonly clusterKey: string;
  readonly title: ClusterTitle;
};

export interface ClusterState {
  /** Null until the cluster is first titled. */
  readonly title: ClusterTitle | null;
}

export const initialState: ClusterState = { title: null };

/** Setting the title it already has decides nothing: the seed and retried PUTs append no event. */
export const decide = (cmd: ClusterCommand, state: ClusterState, _now: Date): ClusterEvent[] => {
  switch (cmd.type) {
    case 'set-title': {
      if (state.title !== null && canonicalJson(state.title) === canonicalJson(cmd.title)) return [];
      return [RecommendationClusterTitled({ clusterKey: cmd.clusterKey, title: cmd.title })];
    }
    default: {
      const _exhaustive: never = cmd.type;
      return _exhaustive;
    }
  }
};

export const evolve = (state: ClusterState, event: ClusterEvent): ClusterState => {
  switch (event.type) {
    case 'recommendation-cluster.titled':
      return { ...state, title: event.data.title };
    default: {
      const _exhaustive: never = event.type;
      return state;
    }
  }
};

export const Cluster = {
  name: 'cluster',
  initialState,
  decide,
  evolve,
  registry: clusterEvents,
} as const;
