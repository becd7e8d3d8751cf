import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Db, Filter } from 'mongodb';
import type { Principal } from '@tracker/auth';
import { MONGO_DB, notFound } from '@tracker/platform';
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
  readonly size: number;
  readonly members: ClusterMember[];
}

/** Clusters ("same ask") with their members; one cluster when `clusterKey` is given. */
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
    const rows = await this.db
      .collection<CatalogueRow>(CATALOGUE)
      .find(filter)
      .sort({ clusterKey: 1, 'document.date': 1, _id: 1 })
      .toArray();
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
    if (clusterKey && clusters.size === 0) throw notFound(`cluster ${clusterKey}`);
    return [...clusters].map(([key, members]) => ({ clusterKey: key, size: members.length, members }));
  }
}
