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
import { loadDeadlineConfig } from './commitments.config';

export const SERVICE_NAME = 'commitments';

@Module({})
export class CommitmentsModule {
  /**
   * `deadlines.timers: false` runs without lapse timers (e2e stacks that lapse commitments by hand).
   * Options not given come from the DEADLINE_* variables, validated here: a bad value stops the boot.
   */
  static forRoot(config: BaseConfig, options: DeadlineOptions = {}): DynamicModule {
    const env = loadDeadlineConfig();
    const deadlines: DeadlineOptions = {
      ...options,
      reconcileIntervalMs: options.reconcileIntervalMs ?? env.DEADLINE_RECONCILE_INTERVAL_MS,
      reminderLeadsMs: options.reminderLeadsMs ?? env.DEADLINE_REMINDER_LEAD_TIMES,
      workerConcurrency: options.workerConcurrency ?? env.DEADLINE_WORKER_CONCURRENCY,
    };
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
