import type { CommitmentStatus } from '@tracker/contracts';
import { withoutMeta, type ReadModelDocument } from '@tracker/projections';
import type {
  TrackedCommitment,
  TrackedRecommendation,
  TrackerItem,
} from '../../infrastructure/tracker-item.projection';
import type { CommitmentFacts } from '../../infrastructure/tracker-tally';

export type Row = ReadModelDocument<TrackerItem>;

export interface LinkedCommitmentSummary {
  readonly id: string;
  readonly title: { en: string; fr: string | null };
  readonly dueDate: string;
  readonly dueDateKind: string;
  readonly status: CommitmentStatus;
  readonly overdue: boolean;
  readonly overdueSince: string | null;
}

export interface LinkedRecommendationSummary {
  readonly id: string;
  readonly citation: string;
  readonly themes: readonly string[];
  readonly clusterKey: string | null;
  readonly position: string | null;
}

/** A tracker row as the API answers it: the row joined with its links, "overdue" judged as of `asOf`. */
export interface TrackerAnswer extends Omit<
  TrackerItem,
  'known' | 'commitment' | 'claimedBy' | 'keys' | 'createdPosition' | 'staleSince'
> {
  /** No assessment since this instant, as the stale check found (null: not stale). */
  readonly staleSince: string | null;
  readonly commitment: (TrackedCommitment & { overdue: boolean; overdueSince: string | null }) | null;
  /** The recommendation's themes, or for a commitment those of its linked recommendations. */
  readonly themes: readonly string[];
  readonly clusters: readonly string[];
  readonly linkedCommitments: readonly LinkedCommitmentSummary[];
  readonly linkedRecommendations: readonly LinkedRecommendationSummary[];
  /** A commitment overdue, or a recommendation with an overdue linked commitment. */
  readonly overdue: boolean;
  /** Earliest due instant among what makes it overdue. */
  readonly overdueSince: string | null;
}

/** A commitment with what it takes from its links and "overdue" as of now (TrackerReader.commitments). */
export interface CommitmentView {
  readonly commitment: CommitmentFacts;
  readonly themes: readonly string[];
  readonly clusters: readonly string[];
  readonly overdueSince: string | null;
}

const OPEN: CommitmentStatus[] = ['open', 'lapsed'];

export const commitmentOverdueSince = (
  c: Pick<TrackedCommitment, 'status' | 'dueAt'>,
  now: Date,
): string | null => (OPEN.includes(c.status) && Date.parse(c.dueAt) <= now.getTime() ? c.dueAt : null);

const earliest = (xs: readonly (string | null)[]): string | null =>
  xs.filter((x): x is string => x !== null).sort()[0] ?? null;

export const unique = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

/**
 * The rows as the API answers them, with their links: a recommendation's commitments are those that
 * claimed it and still list it, a commitment's recommendations those it lists. `linkedRows` reads rows by
 * id as the caller may see them.
 */
export const answersOf = async (
  rows: readonly Row[],
  now: Date,
  linkedRows: (ids: readonly string[]) => Promise<Row[]>,
): Promise<TrackerAnswer[]> => {
  const claims = unique(rows.flatMap((r) => (r.kind === 'recommendation' ? r.claimedBy : [])));
  const linkedRecIds = unique(rows.flatMap((r) => r.commitment?.linkedRecommendationIds ?? []));
  const [commitments, recommendations] = await Promise.all([linkedRows(claims), linkedRows(linkedRecIds)]);
  const recById = new Map<string, TrackedRecommendation>();
  for (const r of recommendations) if (r.recommendation) recById.set(r._id, r.recommendation);
  const commitmentsOf = new Map<string, LinkedCommitmentSummary[]>();
  for (const row of commitments) {
    const c = row.commitment;
    if (!c) continue;
    const since = commitmentOverdueSince(c, now);
    const summary: LinkedCommitmentSummary = {
      id: c.id,
      title: c.title,
      dueDate: c.dueDate,
      dueDateKind: c.dueDateKind,
      status: c.status,
      overdue: since !== null,
      overdueSince: since,
    };
    for (const recId of c.linkedRecommendationIds)
      commitmentsOf.set(recId, [...(commitmentsOf.get(recId) ?? []), summary]);
  }
  return rows.map((doc) => {
    const {
      known: _k,
      commitment,
      claimedBy: _c,
      keys: _keys,
      createdPosition: _p,
      staleSince,
      ...fields
    } = withoutMeta(doc);
    const row = { ...fields, staleSince: staleSince ?? null };
    if (row.kind === 'recommendation') {
      const linked = (commitmentsOf.get(row.itemId) ?? []).sort((a, b) => a.dueDate.localeCompare(b.dueDate));
      const since = earliest(linked.map((l) => l.overdueSince));
      return {
        ...row,
        commitment: null,
        themes: row.recommendation?.themes ?? [],
        clusters: row.recommendation?.clusterKey ? [row.recommendation.clusterKey] : [],
        linkedCommitments: linked,
        linkedRecommendations: [],
        overdue: since !== null,
        overdueSince: since,
      };
    }
    const linkedRecs: LinkedRecommendationSummary[] = (commitment?.linkedRecommendationIds ?? []).flatMap(
      (id) => {
        const r = recById.get(id);
        return r
          ? [{ id, citation: r.citation, themes: r.themes, clusterKey: r.clusterKey, position: r.position }]
          : [];
      },
    );
    const since = commitment ? commitmentOverdueSince(commitment, now) : null;
    return {
      ...row,
      commitment: commitment ? { ...commitment, overdue: since !== null, overdueSince: since } : null,
      themes: unique(linkedRecs.flatMap((r) => r.themes)),
      clusters: unique(linkedRecs.flatMap((r) => (r.clusterKey ? [r.clusterKey] : []))),
      linkedCommitments: [],
      linkedRecommendations: linkedRecs,
      overdue: since !== null,
      overdueSince: since,
    };
  });
};
