import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Topics } from '@tracker/contracts';
import { loggerModule, projectionOn, ServiceCoreModule, type BaseConfig } from '@tracker/platform';
import { Assessment } from './domain/assessment';
import { AssessmentHistoryHandler } from './application/queries/assessment-history.query';
import { DashboardHandler } from './application/queries/dashboard.query';
import { GetTrackerItemHandler } from './application/queries/get-tracker-item.query';
import { ListTrackerHandler } from './application/queries/list-tracker.query';
import { TrackerReader } from './application/queries/tracker-reader';
import { RecordAssessmentHandler } from './application/record-assessment/record-assessment.handler';
import { AssessmentRepository } from './infrastructure/assessment.repository';
import { commitmentOwnershipProjection } from './infrastructure/commitment-ownership.projection';
import { trackerItemProjection } from './infrastructure/tracker-item.projection';
import { AlertFeed } from './infrastructure/alert-feed';
import { AlertsController } from './interface/http/alerts.controller';
import { AssessmentsController } from './interface/http/assessments.controller';
import { TrackerController } from './interface/http/tracker.controller';

export const SERVICE_NAME = 'follow-up';

@Module({})
export class FollowUpModule {
  static forRoot(config: BaseConfig): DynamicModule {
    return {
      module: FollowUpModule,
      imports: [
        loggerModule(config, SERVICE_NAME),
        CqrsModule.forRoot(),
        ServiceCoreModule.forRoot(config, {
          name: SERVICE_NAME,
          ownTopic: Topics.followUp,
          aggregates: [Assessment],
          projections: [
            projectionOn(trackerItemProjection, [
              Topics.recommendations,
              Topics.commitments,
              Topics.followUp,
            ]),
            projectionOn(commitmentOwnershipProjection, [Topics.commitments]),
          ],
        }),
      ],
      controllers: [TrackerController, AssessmentsController, AlertsController],
      providers: [
        AssessmentRepository,
        TrackerReader,
        RecordAssessmentHandler,
        AssessmentHistoryHandler,
        GetTrackerItemHandler,
        ListTrackerHandler,
        DashboardHandler,
        AlertFeed,
      ],
    };
  }
}
