export * from './envelope';
export * from './canonical-json';
export * from './topics';
export * from './stream-id';
export * from './event-definition';
export * from './event-registry';
export * from './domain-errors';
export * from './recommendations';
