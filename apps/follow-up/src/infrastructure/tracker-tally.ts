import type { AssessmentStatus } from '@tracker/contracts';
import type { SummarySpec } from '@tracker/projections';
import type { TrackedCommitment, TrackerItem } from './tracker-item.projection';
import { isPublic, listsOf } from './tracker-lists';

/** What a commitment takes from a recommendation it links to (themes, cluster), and who sees it. */
export interface LinkFacets {
  readonly themes: readonly string[];
  readonly cluster: string | null;
  readonly published: boolean;
}

/** A commitment as its links, the dashboard and "overdue" need it: few enough to keep them all. */
export type CommitmentFacts = Pick<
  TrackedCommitment,
  'id' | 'title' | 'dueDate' | 'dueDateKind' | 'dueAt' | 'status' | 'institutions' | 'linkedRecommendationIds'
> & { readonly assessmentStatus: AssessmentStatus | 'none' };

export interface TrackerTally {
  /** Counts over known rows, by who reads them: `n|<list>` for staff, `v|<list>` for viewers. */
  readonly counts: Readonly<Record<string, number>>;
  /**
   * By `<commitment id>|<recommendation id>`, for every claim a known recommendation holds: so a
   * commitment's themes (dashboard cells, the theme filter) need no read of its recommendations.
   */
  readonly links: Readonly<Record<string, LinkFacets>>;
  /** Every known commitment, by id (a state's own: hundreds). */
  readonly commitments: Readonly<Record<string, CommitmentFacts>>;
}

export const linkOf = (commitmentId: string, recommendationId: string): string =>
  `${commitmentId}|${recommendationId}`;

/** A recommendation without a theme counts under this one in the status × theme cells. */
export const UNTHEMED = 'unthemed';

/** The status × theme cell key of a tally. */
export const cellKey = (status: string, theme: string): string => `st:${status}|${theme}`;
/**
 * Status × cluster, for the dashboard's chart. Clusters are curated groupings (tens to hundreds), so
 * these cells stay few; a cluster's own list is not counted (see listsOf's use below).
 */
export const clusterCellKey = (status: string, cluster: string): string => `sc:${status}|${cluster}`;

const tally = (rows: readonly TrackerItem[]): TrackerTally => {
  const out: Record<string, number> = {};
  const links: Record<string, LinkFacets> = {};
  const commitments: Record<string, CommitmentFacts> = {};
  const add = (k: string): void => {
    out[k] = (out[k] ?? 0) + 1;
  };
  for (const row of rows) {
    if (!row.known) continue;
    const counted = [
      ...listsOf(row).filter((l) => !l.startsWith('cluster:')),
      ...(row.kind === 'recommendation'
        ? (row.recommendation?.themes.length ? row.recommendation.themes : [UNTHEMED]).map((t) =>
            cellKey(row.assessmentStatus, t),
          )
        : []),
      ...(row.recommendation?.clusterKey
        ? [clusterCellKey(row.assessmentStatus, row.recommendation.clusterKey)]
        : []),
    ];
    for (const k of counted) {
      add(`n|${k}`);
      if (isPublic(row)) add(`v|${k}`);
    }
    const r = row.recommendation;
    if (r)
      for (const c of row.claimedBy)
        links[linkOf(c, row.itemId)] = { themes: r.themes, cluster: r.clusterKey, published: r.published };
    const c = row.commitment;
    if (c)
      commitments[c.id] = {
        id: c.id,
        title: c.title,
        dueDate: c.dueDate,
        dueDateKind: c.dueDateKind,
        dueAt: c.dueAt,
        status: c.status,
        institutions: c.institutions,
        linkedRecommendationIds: c.linkedRecommendationIds,
        assessmentStatus: row.assessmentStatus,
      };
  }
  return { counts: out, links, commitments };
};

/**
 * The tracker's counts (dashboard, list sizes), links and commitments, kept by the projection store
 * from the rows themselves
 * (libs/projections/src/summaries.ts). Rows are grouped by the position of their created event, so an
 * import touches a few groups per batch: 64 positions a group, 32 groups a level (a top document per
 * 65,536 positions). Clusters are not counted: there may be thousands, and a cluster list is read at
 * a fixed level (TrackerReader).
 */
export const trackerSummaries: SummarySpec<TrackerItem, TrackerTally> = {
  slotOf: (row) =>
    row.known && row.createdPosition !== null
      ? { space: row.kind === 'recommendation' ? 'r' : 'c', ordinal: row.createdPosition }
      : null,
  fanOut: [64, 32, 32],
  summarize: tally,
  merge: (parts) => {
    const counts: Record<string, number> = {};
    const links: Record<string, LinkFacets> = {};
    const commitments: Record<string, CommitmentFacts> = {};
    for (const p of parts) {
      for (const [k, n] of Object.entries(p.counts)) counts[k] = (counts[k] ?? 0) + n;
      Object.assign(links, p.links);
      Object.assign(commitments, p.commitments);
    }
    return { counts, links, commitments };
  },
};
