import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AUDIT_OPTIONS, type AuditOptions } from './audit.options';
import { ChainVerifier } from './chain-verifier';
import { EventHistory } from './event-history';
import { ProjectionAsOf } from './projection-as-of';
import { RebuildJobs } from './rebuild-jobs';
import { StreamHistory } from './stream-as-of';

/** The audit queries of one service, as plain classes over its collections; Nest only wires them. */
@Injectable()
export class AuditService implements OnApplicationShutdown {
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

  async onApplicationShutdown(): Promise<void> {
    await this.rebuilds.drain();
  }
}
