import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { Topics } from '@tracker/contracts';
import { loggerModule, projectionOn, ServiceCoreModule, type BaseConfig } from '@tracker/platform';
import { Cluster } from './domain/cluster';
import { Recommendation } from './domain/recommendation';
import { CreateRecommendationHandler } from './application/create-recommendation/create-recommendation.handler';
import { ChangeRecommendationHandler } from './application/change-recommendation/change-recommendation.handler';
import { ImportRecommendationsHandler } from './application/import-recommendations/import-recommendations.handler';
import { GetRecommendationHandler } from './application/queries/get-recommendation.query';
import { ListClustersHandler } from './application/queries/list-clusters.query';
import { ListRecommendationsHandler } from './application/queries/list-recommendations.query';
import { SetClusterTitleHandler } from './application/set-cluster-title/set-cluster-title.handler';
import { CatalogueIndexes } from './infrastructure/catalogue-indexes';
import { ClusterRepository } from './infrastructure/cluster.repository';
import { clusterTitlesProjection } from './infrastructure/cluster-titles.projection';
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
          aggregates: [Recommendation, Cluster],
          projections: [
            projectionOn(recommendationCatalogueProjection, [Topics.recommendations]),
            projectionOn(clusterTitlesProjection, [Topics.recommendations]),
          ],
        }),
      ],
      controllers: [RecommendationsController],
      providers: [
        RecommendationRepository,
        ClusterRepository,
        CatalogueIndexes,
        CreateRecommendationHandler,
        ChangeRecommendationHandler,
        SetClusterTitleHandler,
        ImportRecommendationsHandler,
        GetRecommendationHandler,
        ListRecommendationsHandler,
        ListClustersHandler,
      ],
    };
  }
}
