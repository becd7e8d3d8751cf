import { Command } from '@nestjs/cqrs';
import type { ClusterTitle, ClusterTitleResult } from '@tracker/contracts';
import type { RequestContext } from '@tracker/platform';

/** The secretariat names a cluster ("same ask"), or renames it. */
export class SetClusterTitleCommand extends Command<ClusterTitleResult> {
  constructor(
    readonly clusterKey: string,
    readonly title: ClusterTitle,
    /** From an optional If-Match: the cluster version the client last saw; undefined = replace whatever is there. */
    readonly expectedVersion: number | undefined,
    readonly context: RequestContext,
  ) {
    super();
  }
}
