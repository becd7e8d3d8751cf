import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Topics } from '@tracker/contracts';
import { loggerModule, projectionOn, ServiceCoreModule, type BaseConfig } from '@tracker/platform';
import { Commitment } from './domain/commitment';
import { ChangeCommitmentHandler } from './application/change-commitment/change-commitment.handler';
import { CreateCommitmentHandler } from './application/create-commitment/create-commitment.handler';
import { GetCommitmentHandler } from './application/queries/get-commitment.query';
import { ListCommitmentsHandler } from './application/queries/list-commitments.query';
import { CommitmentRepository } from './infrastructure/commitment.repository';
import { commitmentsViewProjection } from './infrastructure/commitments-view.projection';
import {
  DEADLINE_OPTIONS,
  DeadlineScheduler,
  type DeadlineOptions,
} from './infrastructure/deadline-scheduler';
import { CommitmentsController } from './interface/http/commitments.controller';

export const SERVICE_NAME = 'commitments';

@Module({})
export class CommitmentsModule {
  /** `deadlines.timers: false` runs without lapse timers (e2e stacks that lapse commitments by hand). */
  static forRoot(config: BaseConfig, deadlines: DeadlineOptions = {}): DynamicModule {
    const timers = deadlines.timers !== false;
    return {
      module: CommitmentsModule,
      imports: [
        loggerModule(config, SERVICE_NAME),
        CqrsModule.forRoot(),
        ServiceCoreModule.forRoot(config, {
          name: SERVICE_NAME,
          ownTopic: Topics.commitments,
          aggregates: [Commitment],
          projections: [projectionOn(commitmentsViewProjection, [Topics.commitments])],
        }),
      ],
      controllers: [CommitmentsController],
      providers: [
        CommitmentRepository,
        CreateCommitmentHandler,
        ChangeCommitmentHandler,
        GetCommitmentHandler,
        ListCommitmentsHandler,
        { provide: DEADLINE_OPTIONS, useValue: deadlines },
        ...(timers ? [DeadlineScheduler] : []),
      ],
      exports: [CommitmentRepository, ChangeCommitmentHandler, ...(timers ? [DeadlineScheduler] : [])],
    };
  }
}
