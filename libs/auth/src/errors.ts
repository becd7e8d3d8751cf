/** No or bad credentials: 401. */
export class AuthenticationError extends Error {
  override readonly name = 'AuthenticationError';
}

/** Valid credentials, not allowed: 403. */
export class AuthorizationError extends Error {
  override readonly name = 'AuthorizationError';
}

export const DEV_JWT_SECRET = 'tracker-dev-secret-change-me-please';
export const DEFAULT_JWT_ISSUER = 'tracker';
