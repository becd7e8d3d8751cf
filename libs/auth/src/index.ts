export * from './errors';
export * from './principal';
export * from './jwt';
export * from './auth.guard';
