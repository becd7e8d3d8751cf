import { ConfigError, loadConfig } from '@tracker/platform';
import { gatewayConfigSchema } from './gateway.config';

describe('gateway config: the OpenID Connect sign-in', () => {
  const issuer = 'https://id.example.org/realms/tracker';
  const complete = {
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: 'tracker-web',
    JWT_ISSUER: issuer,
    JWKS_URL: `${issuer}/protocol/openid-connect/certs`,
  };

  it('accepts a provider with its client, its keys and its issuer name', () => {
    expect(loadConfig(gatewayConfigSchema, complete)).toMatchObject({
      OIDC_SCOPE: 'openid',
      OIDC_ISSUER: issuer,
    });
  });

  it.each([
    ['no client id', { OIDC_CLIENT_ID: undefined }, /OIDC_CLIENT_ID: is required/],
    ['no JWKS', { JWKS_URL: undefined }, /JWKS_URL: is required/],
    ['another token issuer', { JWT_ISSUER: 'tracker' }, /JWT_ISSUER: must equal OIDC_ISSUER/],
    ['scopes without openid', { OIDC_SCOPE: 'profile email' }, /OIDC_SCOPE: must include openid/],
    [
      'plain http off the machine',
      { OIDC_ISSUER: 'http://id.example.org', JWT_ISSUER: 'http://id.example.org' },
      /OIDC_ISSUER: must be https/,
    ],
  ])('refuses to start with %s', (_what, change, why) => {
    expect(() => loadConfig(gatewayConfigSchema, { ...complete, ...change })).toThrow(ConfigError);
    expect(() => loadConfig(gatewayConfigSchema, { ...complete, ...change })).toThrow(why);
  });

  it('takes plain http from a provider on the loopback interface (tests, a laptop)', () => {
    const local = 'http://127.0.0.1:4000';
    expect(() =>
      loadConfig(gatewayConfigSchema, { ...complete, OIDC_ISSUER: local, JWT_ISSUER: local }),
    ).not.toThrow();
  });
});
