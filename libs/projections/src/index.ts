export * from './projection';
export * from './mongo-projection-store';
