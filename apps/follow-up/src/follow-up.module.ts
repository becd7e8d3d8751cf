import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Topics } from '@tracker/contracts';
import { loggerModule, projectionOn, ServiceCoreModule, type BaseConfig } from '@tracker/platform';
import { GetTrackerItemHandler } from './application/queries/get-tracker-item.query';
import { trackerItemProjection } from './infrastructure/tracker-item.projection';
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
          projections: [projectionOn(trackerItemProjection, [Topics.recommendations])],
        }),
      ],
      controllers: [TrackerController],
      providers: [GetTrackerItemHandler],
    };
  }
}
