import type { RequestHandler } from 'express';
import { problem, sendProblem } from '@tracker/platform';
import type { GatewayConfig } from '../../gateway.config';

/** Where the web app reads which OpenID provider to sign in with; outside /api: not part of the API. */
export const OIDC_SIGN_IN_PATH = '/auth/oidc';

/** What a public client needs to start the authorization code flow; nothing here is a secret. */
export interface OidcSignInInfo {
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
  readonly resource: string | null;
}

export const oidcSignInInfo = (config: GatewayConfig): OidcSignInInfo | null =>
  config.OIDC_ISSUER && config.OIDC_CLIENT_ID
    ? {
        issuer: config.OIDC_ISSUER,
        clientId: config.OIDC_CLIENT_ID,
        scope: config.OIDC_SCOPE,
        resource: config.OIDC_RESOURCE ?? null,
      }
    : null;

/**
 * `GET /auth/oidc` answers the provider the web app signs in with (the browser runs the code flow with
 * PKCE itself: the gateway never sees a code or a provider session), or 404 when none is configured.
 */
export const oidcSignIn = (config: GatewayConfig): RequestHandler => {
  const info = oidcSignInInfo(config);
  return (req, res, next) => {
    if (req.path !== OIDC_SIGN_IN_PATH) return next();
    if (!info)
      return sendProblem(res, req, problem(404, 'not-found', 'no OpenID Connect provider is configured'));
    if (req.method !== 'GET') {
      res.setHeader('Allow', 'GET');
      return sendProblem(res, req, problem(405, 'method-not-allowed', `${req.method} is not allowed here`));
    }
    return void res.setHeader('Cache-Control', 'no-store').json(info);
  };
};
