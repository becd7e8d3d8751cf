import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Document } from 'mongodb';
import { summariesUpToDate } from '@tracker/projections';
import { AUDIT_OPTIONS, type AuditOptions } from './audit.options';
import { ChainVerifier } from './chain-verifier';
import { EventHistory } from './event-history';
import { ProjectionAsOf } from './projection-as-of';
import { RebuildJobs } from './rebuild-jobs';
import { StreamHistory } from './stream-as-of';

/** The audit queries of one service, as plain classes over its collections; Nest only wires them. */
@Injectable()
export class AuditService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  readonly history: EventHistory | null;
  readonly streams: StreamHistory | null;
  readonly verifier: ChainVerifier | null;
  readonly projectionsAsOf: ProjectionAsOf;
  readonly rebuilds: RebuildJobs;

  constructor(@Inject(AUDIT_OPTIONS) readonly options: AuditOptions) {
    const { commits } = options;
    this.history = commits ? new EventHistory(commits) : null;
    this.streams = commits ? new StreamHistory(commits, options.aggregates) : null;
    this.verifier = commits ? new ChainVerifier(commits) : null;
    this.projectionsAsOf = new ProjectionAsOf(commits, options.inbox);
    this.rebuilds = new RebuildJobs(options);
  }

  /**
   * A read model whose summaries an earlier version wrote in another layout is rebuilt from its source
   * once, in the background while consumers run (as `npm run audit -- rebuild` would): its rows and
   * counts are then what a replay gives. Until it is done its counts may be off.
   */
  async onApplicationBootstrap(): Promise<void> {
    for (const { projection } of this.options.projections) {
      if (!projection.summaries) continue;
      const collection = this.options.db.collection<Document>(projection.name);
      if (await summariesUpToDate(collection)) continue;
      const job = this.rebuilds.start(projection.name, 'swap', 'upgrade: summary layout');
      this.logger.warn(
        `${projection.name}: summaries in an earlier layout; rebuilding it from its source (job ${job.jobId})`,
      );
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.rebuilds.drain();
  }
}
