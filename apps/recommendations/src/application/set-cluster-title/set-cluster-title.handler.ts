import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ClusterTitleResult } from '@tracker/contracts';
import { metadataFor } from '@tracker/platform';
import { ClusterRepository } from '../../infrastructure/cluster.repository';
import { SetClusterTitleCommand } from './set-cluster-title.command';

/**
 * Any well-formed key may be titled, members or not: the seed names clusters independently of the
 * recommendations, and the secretariat may name a cluster before assigning anything to it.
 */
@CommandHandler(SetClusterTitleCommand)
export class SetClusterTitleHandler implements ICommandHandler<SetClusterTitleCommand, ClusterTitleResult> {
  constructor(private readonly clusters: ClusterRepository) {}

  async execute({
    clusterKey,
    title,
    expectedVersion,
    context,
  }: SetClusterTitleCommand): Promise<ClusterTitleResult> {
    const result = await this.clusters.execute(
      clusterKey,
      { type: 'set-title', clusterKey, title },
      metadataFor(context, new Date()),
      expectedVersion === undefined ? {} : { expectedVersion },
    );
    return {
      clusterKey,
      title: result.state.title ?? title,
      version: result.version,
      changed: result.events.length > 0,
    };
  }
}
