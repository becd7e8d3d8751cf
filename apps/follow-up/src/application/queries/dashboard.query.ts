import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tracker/auth';
import type { AssessmentStatus, CommitmentStatus } from '@tracker/contracts';
import { UNTHEMED } from '../../infrastructure/tracker-tally';
import { ALL, assessedList, kindList } from '../../infrastructure/tracker-keys';
import { TrackerReader } from './tracker-reader';

/** How many unassessed items the dashboard lists; the rest page through `GET /api/tracker?status=none`. */
export const UNASSESSED_SHOWN = 50;
/** How many clusters the status × cluster figure shows: those with the most items. */
export const DASHBOARD_CLUSTERS = 20;

type StatusOrNone = AssessmentStatus | 'none';

/** Counts by (latest status, group): a theme or a cluster; cells in status order, then group order. */
class StatusGrid {
  private readonly byKey = new Map<string, { status: StatusOrNone; group: string; count: number }>();

  add(status: StatusOrNone, group: string, n: number): void {
    const cell = this.byKey.get(`${status}|${group}`);
    if (cell) cell.count += n;
    else this.byKey.set(`${status}|${group}`, { status, group, count: n });
  }

  cells(): { status: StatusOrNone; group: string; count: number }[] {
    return [...this.byKey.values()].sort(
      (a, b) => a.status.localeCompare(b.status) || a.group.localeCompare(b.group),
    );
  }
}

export interface Dashboard {
  readonly asOf: string;
  readonly totals: {
    readonly items: number;
    readonly recommendations: number;
    readonly commitments: number;
    readonly assessed: number;
    readonly unassessed: number;
    readonly overdueCommitments: number;
  };
  /** Items by latest assessment status (`none`: never assessed). */
  readonly byStatus: Readonly<Record<string, number>>;
  /** Items by latest assessment status × theme; an item counts once under each of its themes. */
  readonly byStatusAndTheme: readonly { status: AssessmentStatus | 'none'; theme: string; count: number }[];
  readonly byStatusAndCluster: readonly {
    status: AssessmentStatus | 'none';
    cluster: string;
    count: number;
  }[];
  readonly overdueCommitments: readonly {
    id: string;
    title: { en: string; fr: string | null };
    dueDate: string;
    dueDateKind: string;
    status: CommitmentStatus;
    overdueSince: string;
    institutions: readonly string[];
    assessmentStatus: AssessmentStatus | 'none';
  }[];
  /**
   * Items never assessed: how many, the first UNASSESSED_SHOWN in tracker order, and the cursor that
   * continues them with `GET /api/tracker?status=none&cursor=…` (null when these are all).
   */
  readonly unassessed: {
    readonly total: number;
    readonly items: readonly { itemId: string; kind: 'recommendation' | 'commitment'; label: string }[];
    readonly nextCursor: string | null;
  };
}

export class DashboardQuery extends Query<Dashboard> {
  constructor(
    readonly principal: Principal,
    readonly now: Date = new Date(),
  ) {
    super();
  }
}

@QueryHandler(DashboardQuery)
export class DashboardHandler implements IQueryHandler<DashboardQuery> {
  constructor(private readonly reader: TrackerReader) {}

  /**
   * Counts, commitments and their links come from the tallies the projection keeps (no row is read for
   * them), "overdue" is judged now; the unassessed items are one page of the `status:none` list.
   */
  async execute({ principal, now }: DashboardQuery): Promise<Dashboard> {
    const [tally, unassessed] = await Promise.all([
      this.reader.tally(),
      this.reader.list({ status: 'none', limit: UNASSESSED_SHOWN }, principal, now),
    ]);
    const commitments = this.reader.commitments(principal, now, tally);
    const scope = principal.role === 'viewer' ? 'v|' : 'n|';
    const count = (list: string): number => tally.counts[`${scope}${list}`] ?? 0;
    const byStatus: Record<string, number> = {};
    const themes = new StatusGrid();
    const clusters = new StatusGrid();
    for (const [key, n] of Object.entries(tally.counts)) {
      if (!key.startsWith(scope) || n === 0) continue;
      const status = /^status:(.+)$/.exec(key.slice(scope.length))?.[1];
      if (status) byStatus[status] = n;
      // Status × theme (`st:`) and status × cluster (`sc:`) cells: cellKey, clusterCellKey.
      const cell = /^(st|sc):([^|]+)\|(.+)$/.exec(key.slice(scope.length));
      if (cell) (cell[1] === 'st' ? themes : clusters).add(cell[2] as StatusOrNone, cell[3]!, n);
    }
    // A commitment counts under the themes and clusters of the recommendations it is linked to (joined now).
    for (const { commitment, themes: linkedThemes, clusters: linkedClusters } of commitments) {
      for (const theme of linkedThemes.length > 0 ? linkedThemes : [UNTHEMED])
        themes.add(commitment.assessmentStatus, theme, 1);
      for (const cluster of linkedClusters) clusters.add(commitment.assessmentStatus, cluster, 1);
    }
    // The largest clusters only: a chart of hundreds of bars says nothing (ties by key, for a stable answer).
    const clusterTotals = new Map<string, number>();
    for (const c of clusters.cells()) clusterTotals.set(c.group, (clusterTotals.get(c.group) ?? 0) + c.count);
    const shownClusters = new Set(
      [...clusterTotals]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, DASHBOARD_CLUSTERS)
        .map(([cluster]) => cluster),
    );
    const overdueCommitments = commitments
      .flatMap(({ commitment: { assessmentStatus, ...c }, overdueSince }) =>
        overdueSince
          ? [
              {
                id: c.id,
                title: c.title,
                dueDate: c.dueDate,
                dueDateKind: c.dueDateKind,
                status: c.status,
                overdueSince,
                institutions: c.institutions,
                assessmentStatus,
              },
            ]
          : [],
      )
      .sort((a, b) => a.overdueSince.localeCompare(b.overdueSince) || a.id.localeCompare(b.id));
    return {
      asOf: now.toISOString(),
      totals: {
        items: count(ALL),
        recommendations: count(kindList('recommendation')),
        commitments: count(kindList('commitment')),
        assessed: count(assessedList(true)),
        unassessed: count(assessedList(false)),
        overdueCommitments: overdueCommitments.length,
      },
      byStatus,
      byStatusAndTheme: themes
        .cells()
        .map(({ status, group, count: n }) => ({ status, theme: group, count: n })),
      byStatusAndCluster: clusters
        .cells()
        .filter((c) => shownClusters.has(c.group))
        .map(({ status, group, count: n }) => ({ status, cluster: group, count: n })),
      overdueCommitments,
      unassessed: {
        total: count(assessedList(false)),
        items: unassessed.items.map((i) => ({
          itemId: i.itemId,
          kind: i.kind,
          label: i.recommendation?.citation ?? i.commitment?.title.en ?? i.itemId,
        })),
        nextCursor: unassessed.nextCursor,
      },
    };
  }
}
