import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { Slug } from './vocabulary';

/** The longest cluster title, per language: a short label, not a text (the Mali titles are ≤ 125). */
export const MAX_CLUSTER_TITLE_LENGTH = 200;

const TitleText = z.string().trim().min(1).max(MAX_CLUSTER_TITLE_LENGTH);

/**
 * A cluster's title in both languages. Both are required: a title is the secretariat's own label, so
 * unlike source texts (where French may be missing) it is always written in English and French.
 */
export const ClusterTitle = z.strictObject({ en: TitleText, fr: TitleText });
export type ClusterTitle = z.infer<typeof ClusterTitle>;

/**
 * The cluster ("same ask") `clusterKey` is now called `title`. Its own stream (`cluster-<key>`):
 * a cluster is named independently of which recommendations are assigned to it. Re-titling is a new
 * event; who did it is in the metadata.
 */
export const RecommendationClusterTitledData = z.strictObject({
  clusterKey: Slug,
  title: ClusterTitle,
});
export type RecommendationClusterTitledData = z.infer<typeof RecommendationClusterTitledData>;

export const RecommendationClusterTitled = defineEvent(
  'recommendation-cluster.titled',
  1,
  RecommendationClusterTitledData,
);
export type RecommendationClusterTitled = EventOf<typeof RecommendationClusterTitled>;
