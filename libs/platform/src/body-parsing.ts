import express, { type ErrorRequestHandler, type Express } from 'express';
import { rejectNulCharacters } from './nul-guard';
import { problem } from './problem';
import { sendProblem } from './problem-details.filter';

export const DEFAULT_BODY_LIMIT = '256kb';

/**
 * JSON bodies are parsed here rather than by Nest's default parser so that malformed JSON, a wrong
 * content type and oversize bodies get problem+json answers instead of express's HTML error page.
 */
export const installJsonBodyParser = (app: Express, limit = DEFAULT_BODY_LIMIT): void => {
  app.use(express.json({ limit, strict: true, type: ['application/json', 'application/*+json'] }));
  const onParseError: ErrorRequestHandler = (err: unknown, req, res, next) => {
    const e = err as { type?: string; status?: number; message?: string };
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
