export * from './infra-env';
export * from './docker';
export * from './namespace';
export * from './wait-for';
export * from './child-process';
export * from './test-build';
export * from './private-redis';
export * from './stored-event';
