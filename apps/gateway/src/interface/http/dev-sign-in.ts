import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { DEV_JWT_SECRET, Role, ROLES, signDevToken, type JwtSettings } from '@tracker/auth';
import { problem, sendProblem } from '@tracker/platform';

/** Where the web app's development role picker asks for a token; outside /api: not part of the API. */
export const DEV_SIGN_IN_PATH = '/auth/dev';
const TOKEN_PATH = `${DEV_SIGN_IN_PATH}/token`;
const TOKEN_TTL_SECONDS = 8 * 3600;
/** A role and an institution slug fit in far less; anything bigger is not a sign-in. */
const MAX_BODY_BYTES = 1024;

const DevSignInRequest = z.strictObject({
  role: Role,
  institution: z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a slug such as ministry-of-justice')
    .max(80)
    .nullable()
    .default(null),
});
export type DevSignInRequest = z.infer<typeof DevSignInRequest>;

/**
 * Development tokens are only ever issued while the gateway itself trusts the published development
 * secret: anyone can sign with it anyway, so issuing adds no power. With a real secret, a public key or
 * a JWKS endpoint, minting a token here would be a way around the identity provider, so both routes
 * answer 404 as if they did not exist.
 */
export const devSignInEnabled = (settings: JwtSettings): boolean =>
  settings.secret === DEV_JWT_SECRET && !settings.publicKey && !settings.jwksUrl;

const readSmallBody = (req: Request): Promise<string | null> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const parseRequest = (raw: string): DevSignInRequest | { errors: { path: string; message: string }[] } => {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { errors: [{ path: '(root)', message: 'must be a JSON object' }] };
  }
  const parsed = DevSignInRequest.safeParse(json);
  if (parsed.success) return parsed.data;
  return {
    errors: parsed.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
  };
};

const issue = async (settings: JwtSettings, req: Request, res: Response): Promise<void> => {
  const raw = await readSmallBody(req);
  if (raw === null)
    return sendProblem(
      res,
      req,
      problem(413, 'body-too-large', `a sign-in body is at most ${MAX_BODY_BYTES} bytes`),
    );
  const parsed = parseRequest(raw);
  if ('errors' in parsed)
    return sendProblem(
      res,
      req,
      problem(400, 'validation-failed', 'the sign-in request is invalid', { errors: parsed.errors }),
    );
  const subject = parsed.institution ? `dev-${parsed.role}-${parsed.institution}` : `dev-${parsed.role}`;
  const token = signDevToken(
    settings,
    { sub: subject, role: parsed.role, institution: parsed.institution },
    TOKEN_TTL_SECONDS,
  );
  res
    .status(201)
    .setHeader('Cache-Control', 'no-store')
    .json({ token, expiresAt: new Date(Date.now() + TOKEN_TTL_SECONDS * 1000).toISOString() });
};

/**
 * `GET /auth/dev` says whether the development sign-in is offered (and with which roles);
 * `POST /auth/dev/token` `{ role, institution? }` answers `{ token, expiresAt }`.
 */
export const devSignIn = (settings: JwtSettings): RequestHandler => {
  const enabled = devSignInEnabled(settings);
  return (req, res, next) => {
    if (req.path !== DEV_SIGN_IN_PATH && req.path !== TOKEN_PATH) return next();
    if (!enabled)
      return sendProblem(
        res,
        req,
        problem(404, 'not-found', 'development sign-in is off: a real key is in use'),
      );
    if (req.path === DEV_SIGN_IN_PATH && req.method === 'GET')
      return void res.setHeader('Cache-Control', 'no-store').json({ roles: ROLES });
    if (req.path === TOKEN_PATH && req.method === 'POST') return void issue(settings, req, res).catch(next);
    res.setHeader('Allow', req.path === TOKEN_PATH ? 'POST' : 'GET');
    return sendProblem(res, req, problem(405, 'method-not-allowed', `${req.method} is not allowed here`));
  };
};
