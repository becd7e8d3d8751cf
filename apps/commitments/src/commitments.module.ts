import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Topics } from '@tracker/contracts';
import { loggerModule, ServiceCoreModule, type BaseConfig } from '@tracker/platform';

export const SERVICE_NAME = 'commitments';

@Module({})
export class CommitmentsModule {
  static forRoot(config: BaseConfig): DynamicModule {
    return {
      module: CommitmentsModule,
      imports: [
        loggerModule(config, SERVICE_NAME),
        CqrsModule.forRoot(),
        ServiceCoreModule.forRoot(config, {
          name: SERVICE_NAME,
          ownTopic: Topics.commitments,
          projections: [],
        }),
      ],
    };
  }
}
