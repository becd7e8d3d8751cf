import { createReadStream, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Request, RequestHandler, Response } from 'express';

/** Paths the gateway answers itself or forwards; the web app never shadows them. */
const NOT_THE_APP = /^\/(api|docs|docs-json|health|metrics|auth)(\/|$|\?)/;
/** Bundles are named by their content hash (apps/web/build.ts), so a browser may keep them forever. */
const HASHED = /-[A-Z0-9]{8}\.(js|css)$/;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/**
 * Everything the page loads comes from this origin: scripts, styles, the API. No inline script is
 * needed (the bundle is a file), so none is allowed. The page may also call `connectTo` (the OpenID
 * provider's discovery and token endpoints).
 */
const contentSecurityPolicy = (connectTo: readonly string[]): string =>
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
  `connect-src ${["'self'", ...connectTo].join(' ')}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'`;

const acceptsGzip = (req: Request): boolean => /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));

const send = (req: Request, res: Response, file: string, cacheControl: string, csp: string): void => {
  const type = CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';
  // The build writes a .gz beside each bundle: compressed once, served as is (no CPU per request).
  const gz = `${file}.gz`;
  const compressed = acceptsGzip(req) && existsSync(gz);
  const served = compressed ? gz : file;
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (compressed) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', String(statSync(served).size));
  if (type.startsWith('text/html')) {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('Referrer-Policy', 'no-referrer');
  }
  if (req.method === 'HEAD') return void res.end();
  createReadStream(served).pipe(res);
};

/**
 * Serves the staff web app (apps/web, built into `root`) at `/`: its files by name, and index.html for
 * any other page path, so a deep link such as `/tracker?status=none` or `/items/<id>` opens the app at
 * that page. The API and the gateway's own paths pass through untouched. With no build at `root` (a
 * gateway started from sources without `npm run build`) it steps aside and those paths are 404s.
 */
export const webApp = (root: string, connectTo: readonly string[] = []): RequestHandler => {
  const base = path.resolve(root);
  const csp = contentSecurityPolicy(connectTo);
  const index = path.join(base, 'index.html');
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_THE_APP.test(req.path)) return next();
    if (!existsSync(index)) return next();
    let decoded: string;
    try {
      decoded = decodeURIComponent(req.path);
    } catch {
      // A malformed escape (`/%E0%A4%A`) names no file of the build: a 404, not a URIError's 500.
      return next();
    }
    const wanted = path.resolve(base, `.${decoded}`);
    // A path that climbs out of the build (`/../x`) is never read.
    const inside = wanted.startsWith(`${base}${path.sep}`);
    if (inside && path.extname(wanted) !== '' && existsSync(wanted) && statSync(wanted).isFile())
      return send(
        req,
        res,
        wanted,
        HASHED.test(wanted) ? 'public, max-age=31536000, immutable' : 'no-cache',
        csp,
      );
    // A missing file (`/app-OLDHASH.js`) is a 404, not the page: a script answered with HTML fails oddly.
    if (path.extname(req.path) !== '') return next();
    return send(req, res, index, 'no-cache', csp);
  };
};
