import type { Db, Document, Filter } from 'mongodb';

/**
 * What the server said it would do for one find, reduced to what the hot-path tests check. FerretDB 1.24
 * (PostgreSQL backend) reports which parts it pushes down to SQL plus PostgreSQL's own plan; MongoDB
 * reports its winning plan's stages.
 */
export interface QueryPlanReport {
  readonly server: 'ferretdb' | 'mongodb';
  /** FerretDB: the filter (or part of it) became a SQL WHERE. MongoDB: an index bounds the scan. */
  readonly filterPushdown: boolean;
  /** FerretDB: ORDER BY in SQL. Never true for a non-capped collection on 1.24 (see README.md). */
  readonly sortPushdown: boolean;
  /** FerretDB: LIMIT in SQL. On 1.24 only for a find with no filter and no sort. */
  readonly limitPushdown: boolean;
  /** Whole-collection scans in the plan: PostgreSQL `Seq Scan` nodes, MongoDB `COLLSCAN` stages. */
  readonly scans: readonly string[];
  /** Index nodes or stages used (PostgreSQL index/bitmap scans, MongoDB IXSCAN). */
  readonly indexScans: readonly string[];
  /** MongoDB: a blocking SORT stage (a sort no index serves). FerretDB: a sort it would do in Go. */
  readonly sortsInMemory: boolean;
}

export interface PlannedFind {
  readonly filter: Filter<Document>;
  readonly sort?: Record<string, 1 | -1>;
  readonly limit?: number;
}

const nodesOf = (plan: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] => {
  if (Array.isArray(plan)) {
    for (const p of plan) nodesOf(p, out);
  } else if (plan !== null && typeof plan === 'object') {
    out.push(plan as Record<string, unknown>);
    for (const v of Object.values(plan)) if (typeof v === 'object') nodesOf(v, out);
  }
  return out;
};

/** The explain of one find, on whichever MongoDB-wire server `db` talks to. */
export const explainFind = async (
  db: Db,
  collection: string,
  find: PlannedFind,
): Promise<QueryPlanReport> => {
  const command: Document = { find: collection, filter: find.filter };
  if (find.sort) command.sort = find.sort;
  if (find.limit !== undefined) command.limit = find.limit;
  const explained = await db.command({ explain: command, verbosity: 'queryPlanner' });
  if ('filterPushdown' in explained) {
    // FerretDB: queryPlanner is PostgreSQL's EXPLAIN (FORMAT JSON) of the SQL it would run.
    const nodes = nodesOf(explained.queryPlanner);
    const types = nodes.map((n) => n['Node Type']).filter((t): t is string => typeof t === 'string');
    return {
      server: 'ferretdb',
      filterPushdown: explained.filterPushdown === true,
      sortPushdown: explained.sortPushdown === true,
      limitPushdown: explained.limitPushdown === true,
      scans: types.filter((t) => t === 'Seq Scan'),
      indexScans: types.filter((t) => /Index/.test(t)),
      sortsInMemory: find.sort !== undefined && explained.sortPushdown !== true,
    };
  }
  const planner = (explained.queryPlanner ?? {}) as Document;
  const stages = nodesOf(planner.winningPlan)
    .map((n) => n.stage)
    .filter((s): s is string => typeof s === 'string');
  return {
    server: 'mongodb',
    filterPushdown:
      stages.includes('IXSCAN') || stages.includes('IDHACK') || stages.includes('EXPRESS_IXSCAN'),
    sortPushdown: find.sort !== undefined && !stages.includes('SORT'),
    limitPushdown: find.limit !== undefined,
    scans: stages.filter((s) => s === 'COLLSCAN'),
    indexScans: stages.filter((s) => /IXSCAN|IDHACK/.test(s)),
    sortsInMemory: stages.includes('SORT'),
  };
};

/**
 * Why a planned find is not a hot-path query, or null when it is: the server uses an index for the
 * filter and scans no whole collection, and sorts nothing in memory. Our hot queries ask FerretDB for
 * no sort at all (it would sort in Go after reading every match): they select a bounded bucket by
 * equality and order it in the service (README.md).
 */
export const notIndexed = (report: QueryPlanReport): string | null => {
  if (report.scans.length > 0) return `scans a whole collection (${report.scans.join(', ')})`;
  if (!report.filterPushdown) return 'the filter is not served by an index / not pushed down';
  if (report.indexScans.length === 0) return 'no index scan in the plan';
  if (report.sortsInMemory) return 'sorts in memory';
  return null;
};
