import 'reflect-metadata';
import { runService } from '@tracker/platform';
import { RecommendationsModule, SERVICE_NAME } from './recommendations.module';

runService(SERVICE_NAME, { PORT: 3001, MONGO_DB: 'tracker_recommendations' }, (config) =>
  RecommendationsModule.forRoot(config),
);
