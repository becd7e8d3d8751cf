import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '@tracker/testing';

export interface TestAccount {
  readonly role: string;
  readonly institution?: string;
}

export interface TestOidcProvider {
  readonly issuer: string;
  /** Starts the provider; the redirect URI is the web app's, known once its gateway listens. */
  start(redirectUri: string): Promise<void>;
  close(): Promise<void>;
}

export const TEST_OIDC_CLIENT_ID = 'tracker-web';
export const TEST_OIDC_AUDIENCE = 'urn:tracker:api';

/**
 * npm's oidc-provider (test/support/oidc-provider.mjs) as a child process on a port chosen now, so the
 * stack can be configured with its issuer before it runs.
 */
export const testOidcProvider = async (
  accounts: Readonly<Record<string, TestAccount>>,
): Promise<TestOidcProvider> => {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  let stop: (() => Promise<void>) | null = null;
  return {
    issuer,
    start: (redirectUri) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(__dirname, 'oidc-provider.mjs')], {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            PORT: String(port),
            REDIRECT_URI: redirectUri,
            CLIENT_ID: TEST_OIDC_CLIENT_ID,
            AUDIENCE: TEST_OIDC_AUDIENCE,
            ACCOUNTS: JSON.stringify(accounts),
          },
        });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
        child.stdout.on('data', (c: Buffer) => {
          if (c.toString('utf8').includes(`issuer ${issuer}`)) resolve();
        });
        child.on('exit', (code) => reject(new Error(`the OIDC provider exited with ${code}: ${stderr}`)));
        stop = () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          });
      }),
    close: async () => {
      await stop?.();
    },
  };
};

/** The stack's settings for a provider: the API verifies its access tokens, the web app signs in with it. */
export const oidcSettings = (issuer: string) => ({
  services: { JWT_ISSUER: issuer, JWKS_URL: `${issuer}/jwks`, JWT_AUDIENCE: TEST_OIDC_AUDIENCE },
  gateway: {
    OIDC_ISSUER: issuer,
    OIDC_CLIENT_ID: TEST_OIDC_CLIENT_ID,
    OIDC_SCOPE: 'openid tracker',
    OIDC_RESOURCE: TEST_OIDC_AUDIENCE,
  },
});
