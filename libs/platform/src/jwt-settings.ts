import type { JwtSettings } from '@tracker/auth';
import type { BaseConfig } from './config';

/** Bearer-token settings from config: JWKS_URL, else JWT_PUBLIC_KEY (RS256), else JWT_SECRET (HS256). */
export const jwtSettingsOf = (
  config: Pick<BaseConfig, 'JWT_SECRET' | 'JWT_ISSUER' | 'JWT_PUBLIC_KEY' | 'JWKS_URL' | 'JWT_AUDIENCE'>,
): JwtSettings => ({
  secret: config.JWT_SECRET,
  issuer: config.JWT_ISSUER,
  ...(config.JWT_PUBLIC_KEY ? { publicKey: config.JWT_PUBLIC_KEY } : {}),
  ...(config.JWKS_URL ? { jwksUrl: config.JWKS_URL } : {}),
  ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
});
