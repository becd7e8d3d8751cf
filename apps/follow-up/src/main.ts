import 'reflect-metadata';
import { runService } from '@tracker/platform';
import { FollowUpModule, SERVICE_NAME } from './follow-up.module';

runService(SERVICE_NAME, { PORT: 3003, MONGO_DB: 'tracker_follow_up' }, (config) =>
  FollowUpModule.forRoot(config),
);
