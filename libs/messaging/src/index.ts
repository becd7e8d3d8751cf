export * from './kafka-client';
export * from './topic-admin';
export * from './kafka-event-publisher';
export * from './consumer-runner';
export * from './bullmq-support';
export * from './job-queue';
