import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Db } from 'mongodb';
import type { ImplementationReportBody } from '@tracker/contracts';
import { EVENT_STORE, type EventStore } from '@tracker/event-store';
import { MONGO_DB, ServiceLifecycle } from '@tracker/platform';
import { ReportStreams } from '../../infrastructure/report-streams';
import { buildReport, type ReportRequest } from './report-model';

export class BuildImplementationReport extends Query<ImplementationReportBody> {
  constructor(readonly request: ReportRequest) {
    super();
  }
}

/** The report: its streams read as of the cut (ReportStreams), folded and grouped (report-model.ts). */
@QueryHandler(BuildImplementationReport)
export class ImplementationReportHandler implements IQueryHandler<BuildImplementationReport> {
  private readonly streams: ReportStreams | null;

  constructor(@Inject(MONGO_DB) db: Db, lifecycle: ServiceLifecycle, @Inject(EVENT_STORE) store: EventStore) {
    this.streams = lifecycle.inbox ? new ReportStreams(db, lifecycle.inbox, store) : null;
  }

  async execute({ request }: BuildImplementationReport): Promise<ImplementationReportBody> {
    if (!this.streams) throw new Error('follow-up keeps no inbox: the report has nothing to read');
    const { events, itemIds, clusterKeys } = await this.streams.read(request.cluster, request.recordedUntil);
    return buildReport(events, itemIds, clusterKeys, request);
  }
}
