import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Topics } from '@tracker/contracts';
import { loggerModule, projectionOn, ServiceCoreModule, type BaseConfig } from '@tracker/platform';
import { Recommendation } from './domain/recommendation';
import { CreateRecommendationHandler } from './application/create-recommendation/create-recommendation.handler';
import { ChangeRecommendationHandler } from './application/change-recommendation/change-recommendation.handler';
import { ImportRecommendationsHandler } from './application/import-recommendations/import-recommendations.handler';
import { GetRecommendationHandler } from './application/queries/get-recommendation.query';
import { ListClustersHandler } from './application/queries/list-clusters.query';
import { ListRecommendationsHandler } from './application/queries/list-recommendations.query';
import { CatalogueIndexes } from './infrastructure/catalogue-indexes';
import { recommendationCatalogueProjection } from './infrastructure/recommendation-catalogue.projection';
import { RecommendationRepository } from './infrastructure/recommendation.repository';
import { RecommendationsController } from './interface/http/recommendations.controller';

export const SERVICE_NAME = 'recommendations';

@Module({})
export class RecommendationsModule {
  static forRoot(config: BaseConfig): DynamicModule {
    return {
      module: RecommendationsModule,
      imports: [
        loggerModule(config, SERVICE_NAME),
        CqrsModule.forRoot(),
        ServiceCoreModule.forRoot(config, {
          name: SERVICE_NAME,
          ownTopic: Topics.recommendations,
          aggregates: [Recommendation],
          projections: [projectionOn(recommendationCatalogueProjection, [Topics.recommendations])],
        }),
      ],
      controllers: [RecommendationsController],
      providers: [
        RecommendationRepository,
        CatalogueIndexes,
        CreateRecommendationHandler,
        ChangeRecommendationHandler,
        ImportRecommendationsHandler,
        GetRecommendationHandler,
        ListRecommendationsHandler,
        ListClustersHandler,
      ],
    };
  }
}
