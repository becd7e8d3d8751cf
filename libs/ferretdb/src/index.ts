export * from './equality-fields';
export * from './query-plan';
export * from './keys';
export * from './indexes';
export * from './write-errors';
