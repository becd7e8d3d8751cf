import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
  type JWTPayload,
} from 'jose';
import jwt from 'jsonwebtoken';
import { TokenClaims, type Principal, type Role } from './principal';

export interface JwtSettings {
  readonly secret: string;
  readonly issuer: string;
  /** RS256 public key (PEM) for production; when set, HS256 is not accepted. */
  readonly publicKey?: string;
  /** JWKS endpoint (RS256 keys by `kid`); when set, HS256 is not accepted. Wins over `publicKey`. */
  readonly jwksUrl?: string;
  /** Expected `aud` (an OpenID provider's access tokens name the API they are for); unchecked when unset. */
  readonly audience?: string;
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
  key: string,
  algorithm: 'HS256' | 'RS256',
  issuer: string,
  audience: string | undefined,
): Principal => {
  let payload: unknown;
  try {
    payload = jwt.verify(token, key, {
      algorithms: [algorithm],
      issuer,
      ...(audience ? { audience } : {}),
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
    ? verifyWith(token, settings.publicKey, 'RS256', settings.issuer, settings.audience)
    : verifyWith(token, settings.secret, 'HS256', settings.issuer, settings.audience);

/** How long a token's signing keys may be trusted before the JWKS endpoint is asked again, and how
 * often at most an unknown `kid` (key rotation) may make us ask: a flood of tokens with made-up kids
 * must not flood the identity provider. */
export interface JwksOptions {
  readonly cacheMaxAgeMs?: number;
  readonly cooldownMs?: number;
  readonly timeoutMs?: number;
}

/** jose's own error codes, read as this library's messages (tests and logs name these). */
const joseReason = (err: unknown): string => {
  if (!(err instanceof joseErrors.JOSEError))
    return `signing keys unavailable: ${err instanceof Error ? err.message : String(err)}`;
  switch (err.code) {
    case 'ERR_JWKS_NO_MATCHING_KEY':
      return 'unknown signing key';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'invalid signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'invalid algorithm';
    case 'ERR_JWT_EXPIRED':
      return 'jwt expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `jwt claim invalid: ${(err as joseErrors.JWTClaimValidationFailed).claim}`;
    case 'ERR_JOSE_GENERIC':
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
      // The endpoint answered no key set (a non-200, a timeout, not a JWKS): fail closed.
      return `signing keys unavailable: ${err.message}`;
    default:
      return err.message;
  }
};

/** Verifies bearer tokens with whichever key source the settings name (JWKS, PEM, or HS256 secret). */
export class TokenVerifier {
  /** The identity provider's keys, fetched, cached and refetched on an unknown kid by jose. */
  private readonly jwks: ReturnType<typeof createRemoteJWKSet> | null;

  constructor(
    private readonly settings: JwtSettings,
    options: JwksOptions = {},
  ) {
    this.jwks = settings.jwksUrl
      ? createRemoteJWKSet(new URL(settings.jwksUrl), {
          cacheMaxAge: options.cacheMaxAgeMs ?? 10 * 60_000,
          cooldownDuration: options.cooldownMs ?? 30_000,
          timeoutDuration: options.timeoutMs ?? 5_000,
        })
      : null;
  }

  async verify(token: string): Promise<Principal> {
    if (!this.jwks) return verifyToken(token, this.settings);
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new InvalidTokenError('jwt malformed');
    }
    if (header.alg !== 'RS256') throw new InvalidTokenError('invalid algorithm');
    // Without a kid any key of the set would be tried: a provider that rotates keys always names one.
    if (!header.kid) throw new InvalidTokenError('token header has no kid');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.jwks, {
        algorithms: ['RS256'],
        issuer: this.settings.issuer,
        ...(this.settings.audience ? { audience: this.settings.audience } : {}),
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw new InvalidTokenError(joseReason(err));
    }
    return toPrincipal(payload);
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
