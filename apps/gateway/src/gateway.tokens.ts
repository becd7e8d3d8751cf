export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
export const ROUTES = Symbol('ROUTES');
