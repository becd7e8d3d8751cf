import express, { type ErrorRequestHandler, type Express } from 'express';
import iconv from 'iconv-lite';
import { JsonDepthScanner, jsonTooDeepMessage, MAX_JSON_DEPTH } from './json-depth';
import { rejectNulCharacters } from './nul-guard';
import { problem } from './problem';
import { sendProblem } from './problem-details.filter';

export const DEFAULT_BODY_LIMIT = '256kb';

class JsonTooDeepError extends Error {
  readonly type = 'entity.too.deep';
}

/**
 * Runs on the raw bytes before JSON.parse (body-parser's `verify` hook), so a body nested deeper than
 * MAX_JSON_DEPTH is refused before anything walks it. UTF-8 is scanned as bytes; the other UTF
 * charsets body-parser accepts are decoded first.
 */
const refuseDeepJson = (_req: unknown, _res: unknown, body: Buffer, encoding: string): void => {
  const scanner = new JsonDepthScanner(MAX_JSON_DEPTH);
  const utf8 = /^utf-?8$/i.test(encoding);
  if (scanner.push(utf8 ? body : iconv.decode(body, encoding))) throw new JsonTooDeepError();
};

/**
 * JSON bodies are parsed here rather than by Nest's default parser so that malformed JSON, a wrong
 * content type, oversize and too deeply nested bodies get problem+json answers instead of express's
 * HTML error page (or a stack overflow in the first recursive walk: a 500).
 */
export const installJsonBodyParser = (app: Express, limit = DEFAULT_BODY_LIMIT): void => {
  app.use(
    express.json({
      limit,
      strict: true,
      type: ['application/json', 'application/*+json'],
      verify: refuseDeepJson,
    }),
  );
  const onParseError: ErrorRequestHandler = (err: unknown, req, res, next) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.deep')
      return sendProblem(res, req, problem(400, 'json-too-deep', `request body: ${jsonTooDeepMessage()}`));
    if (e.type === 'entity.too.large')
      return sendProblem(res, req, problem(413, 'body-too-large', `request body exceeds ${limit}`));
    if (e.type === 'entity.parse.failed')
      return sendProblem(res, req, problem(400, 'malformed-json', 'request body is not valid JSON'));
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
      return sendProblem(res, req, problem(415, 'unsupported-encoding', e.message ?? 'unsupported encoding'));
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      return sendProblem(res, req, problem(e.status, `http-${e.status}`, e.message ?? 'bad request'));
    }
    next(err);
  };
  app.use(onParseError);
  app.use(rejectNulCharacters);
};
