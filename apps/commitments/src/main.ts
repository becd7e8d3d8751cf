import 'reflect-metadata';
import { runService } from '@tracker/platform';
import { CommitmentsModule, SERVICE_NAME } from './commitments.module';

runService(SERVICE_NAME, { PORT: 3002, MONGO_DB: 'tracker_commitments' }, (config) =>
  CommitmentsModule.forRoot(config),
);
