import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Principal } from '@tracker/auth';
import type { AssessmentStatus, CommitmentStatus } from '@tracker/contracts';
import { TrackerReader } from './tracker-reader';

export const UNTHEMED = 'unthemed';

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
  readonly unassessed: readonly { itemId: string; kind: 'recommendation' | 'commitment'; label: string }[];
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

  async execute({ principal, now }: DashboardQuery): Promise<Dashboard> {
    const items = await this.reader.all(principal, now);
    const byStatus: Record<string, number> = {};
    const cells = new Map<string, { status: AssessmentStatus | 'none'; theme: string; count: number }>();
    for (const item of items) {
      byStatus[item.assessmentStatus] = (byStatus[item.assessmentStatus] ?? 0) + 1;
      for (const theme of item.themes.length > 0 ? item.themes : [UNTHEMED]) {
        const key = `${item.assessmentStatus}|${theme}`;
        const cell = cells.get(key) ?? { status: item.assessmentStatus, theme, count: 0 };
        cells.set(key, { ...cell, count: cell.count + 1 });
      }
    }
    const overdueCommitments = items
      .flatMap((i) =>
        i.commitment?.overdueSince
          ? [
              {
                id: i.commitment.id,
                title: i.commitment.title,
                dueDate: i.commitment.dueDate,
                dueDateKind: i.commitment.dueDateKind,
                status: i.commitment.status,
                overdueSince: i.commitment.overdueSince,
                institutions: i.commitment.institutions,
                assessmentStatus: i.assessmentStatus,
              },
            ]
          : [],
      )
      .sort((a, b) => a.overdueSince.localeCompare(b.overdueSince) || a.id.localeCompare(b.id));
    const unassessed = items
      .filter((i) => i.assessmentStatus === 'none')
      .map((i) => ({
        itemId: i.itemId,
        kind: i.kind,
        label: i.recommendation?.citation ?? i.commitment?.title.en ?? i.itemId,
      }));
    return {
      asOf: now.toISOString(),
      totals: {
        items: items.length,
        recommendations: items.filter((i) => i.kind === 'recommendation').length,
        commitments: items.filter((i) => i.kind === 'commitment').length,
        assessed: items.length - unassessed.length,
        unassessed: unassessed.length,
        overdueCommitments: overdueCommitments.length,
      },
      byStatus,
      byStatusAndTheme: [...cells.values()].sort(
        (a, b) => a.status.localeCompare(b.status) || a.theme.localeCompare(b.theme),
      ),
      overdueCommitments,
      unassessed,
    };
  }
}
