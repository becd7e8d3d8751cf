import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AggregateNotFoundError, InvalidTransitionError, RuleViolationError } from '@tracker/contracts';
import { AuthenticationError, AuthorizationError } from '@tracker/auth';
import { ConcurrencyError, PreconditionFailedError } from '@tracker/event-store';
import { ProblemError } from './http-errors';
import { problem, PROBLEM_CONTENT_TYPE, type ProblemDetails } from './problem';

/**
 * Driver errors that mean "the database cannot be reached right now" (a restart, a failover), matched by
 * name so that the platform depends on no driver: the client should retry, so 503 rather than 500.
 */
const DATABASE_UNAVAILABLE = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
  'MongoTopologyClosedError',
]);

/** Maps every error to RFC 9457 problem+json, in one place. Unknown errors are logged and become 500. */
export const toProblem = (err: unknown): ProblemDetails => {
  if (err instanceof ProblemError) return err.problem;
  if (err instanceof AuthenticationError) return problem(401, 'unauthenticated', err.message);
  if (err instanceof AuthorizationError) return problem(403, 'forbidden', err.message);
  if (err instanceof PreconditionFailedError) {
    return problem(412, 'stale-version', err.message, { currentVersion: err.actualVersion });
  }
  if (err instanceof ConcurrencyError) return problem(409, 'concurrent-modification', err.message);
  if (err instanceof InvalidTransitionError) return problem(409, 'invalid-transition', err.message);
  if (err instanceof RuleViolationError) {
    return problem(
      422,
      'rule-violation',
      err.message,
      err.path ? { errors: [{ path: err.path, message: err.message }] } : {},
    );
  }
  if (err instanceof AggregateNotFoundError) return problem(404, 'not-found', err.message);
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const body = err.getResponse();
    const detail =
      typeof body === 'string'
        ? body
        : typeof body === 'object' && body && 'message' in body
          ? String(body.message)
          : err.message;
    return problem(status, status === 404 ? 'not-found' : `http-${status}`, detail);
  }
  if (err instanceof Error && DATABASE_UNAVAILABLE.has(err.name))
    return problem(503, 'database-unavailable', 'the database is unavailable; retry later');
  return problem(500, 'internal', 'an unexpected error occurred; it has been logged');
};

export const sendProblem = (res: Response, req: Request | undefined, p: ProblemDetails): void => {
  if (res.headersSent) return;
  res
    .status(p.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify({ ...p, ...(req ? { instance: req.originalUrl } : {}) }));
};

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(err: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const p = toProblem(err);
    if (p.status >= 500) this.logger.error({ err, url: req.originalUrl }, 'request failed');
    sendProblem(res, req, p);
  }
}
