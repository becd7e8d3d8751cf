import * as oauth from 'oauth4webapi';
import { sessionOf, type Session } from './session';

/** What the gateway's `GET /auth/oidc` says: the provider and this app's public client there. */
export interface OidcSignInInfo {
  readonly issuer: string;
  readonly clientId: string;
  readonly scope: string;
  readonly resource: string | null;
}

/** Where the provider sends the browser back; a page path of the app (the gateway serves it index.html). */
export const OIDC_CALLBACK_PATH = '/signed-in';
/** One sign-in under way in this tab: the PKCE verifier and state must survive the round trip. */
const PENDING_KEY = 'tracker.oidc.pending';

interface Pending {
  readonly info: OidcSignInInfo;
  readonly verifier: string;
  readonly state: string;
  readonly returnTo: string;
}

/** Why a sign-in came back without a session, for the page to say. */
export class OidcSignInError extends Error {
  constructor(readonly reason: 'provider' | 'no-role' | 'stale' | 'refused') {
    super(reason);
  }
}

const redirectUri = (): string => `${location.origin}${OIDC_CALLBACK_PATH}`;
/** Plain http only to a provider on this machine (the gateway refuses any other http issuer at start). */
const requestOptions = (issuer: URL): { [oauth.allowInsecureRequests]?: boolean } =>
  issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};

const discover = async (info: OidcSignInInfo): Promise<oauth.AuthorizationServer> => {
  const issuer = new URL(info.issuer);
  const res = await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions(issuer) });
  return oauth.processDiscoveryResponse(issuer, res);
};

/** Starts the authorization code flow with PKCE (S256): the browser leaves for the provider. */
export const startOidcSignIn = async (info: OidcSignInInfo, returnTo: string): Promise<void> => {
  const as = await discover(info);
  if (!as.authorization_endpoint) throw new OidcSignInError('provider');
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', info.clientId);
  url.searchParams.set('redirect_uri', redirectUri());
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('scope', info.scope);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('state', state);
  if (info.resource) url.searchParams.set('resource', info.resource);
  const pending: Pending = { info, verifier, state, returnTo };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  location.assign(url.href);
};

/**
 * Finishes the flow on the callback page: checks the state (and `iss`) of the answer, redeems the code
 * with the verifier, and reads the role and institution from the access token, the token the API
 * verifies. The pending sign-in is used once, whatever happens.
 */
export const finishOidcSignIn = async (current: URL): Promise<{ session: Session; returnTo: string }> => {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  if (!raw) throw new OidcSignInError('stale');
  const pending = JSON.parse(raw) as Pending;
  const as = await discover(pending.info);
  const client: oauth.Client = { client_id: pending.info.clientId };
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, current, pending.state);
  } catch (err) {
    throw new OidcSignInError(err instanceof oauth.AuthorizationResponseError ? 'refused' : 'stale');
  }
  const issuer = new URL(pending.info.issuer);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    params,
    redirectUri(),
    pending.verifier,
    {
      ...requestOptions(issuer),
      ...(pending.info.resource ? { additionalParameters: { resource: pending.info.resource } } : {}),
    },
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
  // An opaque access token, or one without our role claim, cannot be used here: say so, do not guess.
  const session = sessionOf(tokens.access_token);
  if (!session) throw new OidcSignInError('no-role');
  return { session, returnTo: pending.returnTo };
};
