// A local OpenID Connect provider for the browser tests of the web app's sign-in (npm's oidc-provider,
// ES modules only, so it runs as a child process of the Jest suite). Its development interactions ask
// for any login and password; the accounts below say which role and institution the access token
// carries. Everything here is test data: the addresses are example.org and nobody real.
//
// Environment: PORT, REDIRECT_URI, CLIENT_ID, AUDIENCE (the API's resource indicator), ACCOUNTS (JSON:
// { login: { role, institution? } }). Prints `issuer <url>` once it listens.
import Provider from 'oidc-provider';

const { PORT, REDIRECT_URI, CLIENT_ID, AUDIENCE, ACCOUNTS } = process.env;
const accounts = JSON.parse(ACCOUNTS ?? '{}');
const issuer = `http://127.0.0.1:${PORT}`;
const API_SCOPE = 'tracker';

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      token_endpoint_auth_method: 'none',
      redirect_uris: [REDIRECT_URI],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  scopes: ['openid'],
  findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  features: {
    // The API accepts JWT access tokens for its own audience, signed with the keys at jwks_uri.
    resourceIndicators: {
      enabled: true,
      defaultResource: () => AUDIENCE,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== AUDIENCE) throw new Provider.errors.InvalidTarget();
        return {
          scope: API_SCOPE,
          audience: AUDIENCE,
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  // The role and institution are the organisation's to say; the tracker reads them from the token.
  extraTokenClaims: (_ctx, token) => {
    const account = accounts[token.accountId];
    return account
      ? { role: account.role, ...(account.institution ? { institution: account.institution } : {}) }
      : {};
  },
  // The web app is the organisation's own (first-party) client: no consent screen.
  loadExistingGrant: async (ctx) => {
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid');
    grant.addResourceScope(AUDIENCE, API_SCOPE);
    await grant.save();
    return grant;
  },
});

const server = provider.listen(Number(PORT), '127.0.0.1', () => process.stdout.write(`issuer ${issuer}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
