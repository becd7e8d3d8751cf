import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Db, Filter } from 'mongodb';
import type { Principal } from '@tracker/auth';
import type { ClusterTitle } from '@tracker/contracts';
import { MONGO_DB, notFound } from '@tracker/platform';
import type { ReadModelDocument } from '@tracker/projections';
import { CLUSTER_TITLES, type ClusterTitleDocument } from '../../infrastructure/cluster-titles.projection';
import { CATALOGUE } from '../../infrastructure/recommendation-catalogue.projection';
import type { CatalogueRow } from './catalogue-filter';

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
    const filter: Filter<CatalogueRow> = {
      clusterKey: clusterKey ?? { $ne: null },
      ...(principal.role === 'viewer' ? { published: true } : {}),
    };
    // FerretDB 1.24's $group has no $push: fetch the members in order and group them here.
    const [rows, titled] = await Promise.all([
      this.db
        .collection<CatalogueRow>(CATALOGUE)
        .find(filter)
        .sort({ clusterKey: 1, 'document.date': 1, _id: 1 })
        .toArray(),
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
