import jwt from 'jsonwebtoken';
import { TokenClaims, type Principal, type Role } from './principal';

export interface JwtSettings {
  readonly secret: string;
  readonly issuer: string;
  /** RS256 public key (PEM) for production; when set, HS256 is not accepted. */
  readonly publicKey?: string;
}

export class InvalidTokenError extends Error {}

/**
 * Verifies a bearer token. The accepted algorithm is pinned (HS256, or RS256 when a public key is
 * configured), so `alg: none` and algorithm-confusion tokens are rejected before any claim is read.
 */
export const verifyToken = (token: string, settings: JwtSettings): Principal => {
  let payload: unknown;
  try {
    payload = settings.publicKey
      ? jwt.verify(token, settings.publicKey, { algorithms: ['RS256'], issuer: settings.issuer })
      : jwt.verify(token, settings.secret, { algorithms: ['HS256'], issuer: settings.issuer });
  } catch (err) {
    throw new InvalidTokenError(err instanceof Error ? err.message : 'invalid token');
  }
  const claims = TokenClaims.safeParse(payload);
  if (!claims.success) throw new InvalidTokenError('token claims are invalid');
  return { subject: claims.data.sub, role: claims.data.role, institution: claims.data.institution ?? null };
};

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
