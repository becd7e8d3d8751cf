import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { TokenClaims, type Principal, type Role } from './principal';

export interface JwtSettings {
  readonly secret: string;
  readonly issuer: string;
  /** RS256 public key (PEM) for production; when set, HS256 is not accepted. */
  readonly publicKey?: string;
  /** JWKS endpoint (RS256 keys by `kid`); when set, HS256 is not accepted. Wins over `publicKey`. */
  readonly jwksUrl?: string;
}

export class InvalidTokenError extends Error {}

/** Leeway for clocks that disagree a little between the identity provider and us. */
const CLOCK_TOLERANCE_SECONDS = 5;

const toPrincipal = (payload: unknown): Principal => {
  const claims = TokenClaims.safeParse(payload);
  if (!claims.success) {
    const fields = [...new Set(claims.error.issues.map((i) => i.path.join('.') || '(root)'))];
    throw new InvalidTokenError(`token claims are invalid (${fields.join(', ')})`);
  }
  return { subject: claims.data.sub, role: claims.data.role, institution: claims.data.institution ?? null };
};

const verifyWith = (
  token: string,
  key: string | KeyObject,
  algorithm: 'HS256' | 'RS256',
  issuer: string,
): Principal => {
  let payload: unknown;
  try {
    payload = jwt.verify(token, key, {
      algorithms: [algorithm],
      issuer,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    });
  } catch (err) {
    throw new InvalidTokenError(err instanceof Error ? err.message : 'invalid token');
  }
  // A token that never expires is a standing credential: refuse it.
  if (
    typeof payload !== 'object' ||
    payload === null ||
    typeof (payload as { exp?: unknown }).exp !== 'number'
  )
    throw new InvalidTokenError('token has no expiry (exp)');
  return toPrincipal(payload);
};

/**
 * Verifies a bearer token. The accepted algorithm is pinned (HS256, or RS256 when a public key is
 * configured), so `alg: none` and algorithm-confusion tokens are rejected before any claim is read.
 * Synchronous, so it cannot use a JWKS endpoint: use `TokenVerifier` for that.
 */
export const verifyToken = (token: string, settings: JwtSettings): Principal =>
  settings.publicKey
    ? verifyWith(token, settings.publicKey, 'RS256', settings.issuer)
    : verifyWith(token, settings.secret, 'HS256', settings.issuer);

interface Jwk extends JsonWebKey {
  kid?: string;
  use?: string;
  alg?: string;
}

/**
 * RS256 keys from a JWKS endpoint, cached by `kid`. The set is refetched when it is older than
 * `maxAgeMs`, or when a token names an unknown `kid` (key rotation) — but at most once per
 * `minRefetchMs`, so a flood of tokens with made-up kids cannot flood the identity provider.
 */
export class JwksKeyCache {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private inFlight: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly options: { maxAgeMs?: number; minRefetchMs?: number; timeoutMs?: number } = {},
    private readonly now: () => number = Date.now,
  ) {}

  async keyFor(kid: string): Promise<KeyObject> {
    const maxAge = this.options.maxAgeMs ?? 10 * 60_000;
    const minRefetch = this.options.minRefetchMs ?? 30_000;
    const age = this.now() - this.fetchedAt;
    if (this.fetchedAt === 0 || age > maxAge || (!this.keys.has(kid) && age > minRefetch)) {
      await this.refresh().catch((err: unknown) => {
        // Keep serving the keys we have if the endpoint is briefly down; fail only when we have none.
        if (this.keys.size === 0)
          throw new InvalidTokenError(
            `signing keys unavailable: ${err instanceof Error ? err.message : String(err)}`,
          );
      });
    }
    const key = this.keys.get(kid);
    if (!key) throw new InvalidTokenError(`unknown signing key ${JSON.stringify(kid)}`);
    return key;
  }

  private refresh(): Promise<void> {
    this.inFlight ??= this.fetchKeys().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async fetchKeys(): Promise<void> {
    const res = await fetch(this.url, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000) });
    if (!res.ok) throw new Error(`JWKS endpoint answered ${res.status}`);
    const body = (await res.json()) as { keys?: unknown };
    if (!Array.isArray(body.keys)) throw new Error('JWKS document has no keys');
    const keys = new Map<string, KeyObject>();
    for (const jwk of body.keys as Jwk[]) {
      if (!jwk || jwk.kty !== 'RSA' || typeof jwk.kid !== 'string') continue;
      if (jwk.use !== undefined && jwk.use !== 'sig') continue;
      if (jwk.alg !== undefined && jwk.alg !== 'RS256') continue;
      try {
        keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // A malformed key is skipped; the others still verify.
      }
    }
    this.keys = keys;
    this.fetchedAt = this.now();
  }
}

/** Verifies bearer tokens with whichever key source the settings name (JWKS, PEM, or HS256 secret). */
export class TokenVerifier {
  private readonly jwks: JwksKeyCache | null;

  constructor(private readonly settings: JwtSettings) {
    this.jwks = settings.jwksUrl ? new JwksKeyCache(settings.jwksUrl) : null;
  }

  async verify(token: string): Promise<Principal> {
    if (!this.jwks) return verifyToken(token, this.settings);
    const decoded = jwt.decode(token, { complete: true });
    if (!decoded || typeof decoded !== 'object') throw new InvalidTokenError('jwt malformed');
    if (decoded.header.alg !== 'RS256') throw new InvalidTokenError('invalid algorithm');
    if (!decoded.header.kid) throw new InvalidTokenError('token header has no kid');
    const key = await this.jwks.keyFor(decoded.header.kid);
    return verifyWith(token, key, 'RS256', this.settings.issuer);
  }
}

export const signDevToken = (
  settings: Pick<JwtSettings, 'secret' | 'issuer'>,
  claims: { sub: string; role: Role; institution?: string | null },
  expiresInSeconds = 8 * 3600,
): string =>
  jwt.sign(
    { role: claims.role, ...(claims.institution ? { institution: claims.institution } : {}) },
    settings.secret,
    {
      algorithm: 'HS256',
      subject: claims.sub,
      issuer: settings.issuer,
      expiresIn: expiresInSeconds,
    },
  );

export const bearerOf = (header: string | undefined): string | null => {
  if (!header) return null;
  const m = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  return m?.[1] ?? null;
};
