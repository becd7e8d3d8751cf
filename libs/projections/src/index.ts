export * from './projection';
export * from './mongo-projection-store';
export * from './projection-fold';
export * from './inbox';
export * from './rebuild';
export * from './projection-lag';
export * from './consumer-backlog';
export * from './summaries';
