import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Db } from 'mongodb';
import type { Principal } from '@tracker/auth';
import type { ClusterTitle } from '@tracker/contracts';
import { MONGO_DB, notFound } from '@tracker/platform';
import type { ReadModelDocument } from '@tracker/projections';
import { CLUSTER_TITLES, type ClusterTitleDocument } from '../../infrastructure/cluster-titles.projection';
import {
  catalogueYears,
  CLUSTERED_KEY,
  clusterKeyOf,
  publishedKey,
} from '../../infrastructure/catalogue-postings';
import { candidates, matchingRows, type CatalogueRow, type CataloguePlan } from './catalogue-filter';

/** Rows fetched by `_id` in parallel per window. */
const MEMBERS_WINDOW = 64;

/** The members of the plan's clusters, by cluster, then date and id (the order a reader cites them in). */
const clusterMembers = async (db: Db, plan: CataloguePlan): Promise<CatalogueRow[]> => {
  const rows: CatalogueRow[] = [];
  const entries = await candidates(db, plan, await catalogueYears(db));
  for await (const { row } of matchingRows(db, entries, plan, MEMBERS_WINDOW)) rows.push(row);
  const order = (r: CatalogueRow): string[] => [r.clusterKey ?? '', r.document.date, r._id];
  return rows.sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    for (let i = 0; i < x.length; i += 1) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
};

/** One member of a cluster, with what a reader needs to cite it. */
export interface ClusterMember {
  readonly recommendationId: string;
  readonly mechanism: string;
  readonly recommendingEntities: readonly string[];
  readonly citation: string;
  readonly date: string;
  readonly text: { readonly en: string; readonly fr: string | null };
  readonly position: string | null;
}

export interface Cluster {
  readonly clusterKey: string;
  /** The secretariat's title (en, fr), null while the cluster has none. */
  readonly title: ClusterTitle | null;
  readonly size: number;
  readonly members: ClusterMember[];
}

/**
 * Clusters ("same ask") with their title and members; one cluster when `clusterKey` is given. A cluster
 * exists once it has a title or a member the principal may see: a titled cluster with no members yet
 * is listed with size 0.
 */
export class ListClustersQuery extends Query<Cluster[]> {
  constructor(
    readonly principal: Principal,
    readonly clusterKey?: string,
  ) {
    super();
  }
}

@QueryHandler(ListClustersQuery)
export class ListClustersHandler implements IQueryHandler<ListClustersQuery> {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  async execute({ principal, clusterKey }: ListClustersQuery): Promise<Cluster[]> {
    const plan: CataloguePlan = {
      strong: [clusterKey ? clusterKeyOf(clusterKey) : CLUSTERED_KEY],
      weak: principal.role === 'viewer' ? [publishedKey(true)] : [],
    };
    const [rows, titled] = await Promise.all([
      clusterMembers(this.db, plan),
      this.db
        .collection<ReadModelDocument<ClusterTitleDocument>>(CLUSTER_TITLES)
        .find(clusterKey ? { _id: clusterKey } : {})
        .toArray(),
    ]);
    const clusters = new Map<string, ClusterMember[]>();
    for (const r of rows) {
      const key = r.clusterKey!;
      const members = clusters.get(key) ?? [];
      members.push({
        recommendationId: r.recommendationId,
        mechanism: r.mechanism,
        recommendingEntities: r.recommendingEntities,
        citation: r.document.citation,
        date: r.document.date,
        text: r.text,
        position: r.position?.value ?? null,
      });
      clusters.set(key, members);
    }
    const titles = new Map(titled.map((t) => [t.clusterKey, t.title]));
    const keys = [...new Set([...clusters.keys(), ...titles.keys()])].sort();
    if (clusterKey && keys.length === 0) throw notFound(`cluster ${clusterKey}`);
    return keys.map((key) => {
      const members = clusters.get(key) ?? [];
      return { clusterKey: key, title: titles.get(key) ?? null, size: members.length, members };
    });
  }
}
