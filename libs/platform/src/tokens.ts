export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
export const MONGO_CONNECTION = Symbol('MONGO_CONNECTION');
export const MONGO_DB = Symbol('MONGO_DB');
export const KAFKA = Symbol('KAFKA');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const REDIS = Symbol('REDIS');
