import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { problem } from './problem';
import { ProblemError } from './http-errors';

/**
 * The aggregate version a client last saw, from `If-Match: "7"` (ETag = aggregate version). Updates
 * require it: without it a client could overwrite a change it never saw (428); a stale one is a 412,
 * raised by AggregateRepository when it loads a different version.
 */
export const ifMatchOf = (_: unknown, ctx: ExecutionContext): number => {
  const req = ctx.switchToHttp().getRequest<Request>();
  const header = req.headers['if-match'];
  if (header === undefined) {
    throw new ProblemError(
      problem(428, 'if-match-required', 'send If-Match with the ETag you read, e.g. If-Match: "3"'),
    );
  }
  const m = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!m?.[1]) throw new ProblemError(problem(400, 'bad-if-match', 'If-Match must be an ETag such as "3"'));
  return Number(m[1]);
};
export const IfMatch = createParamDecorator(ifMatchOf);

/** ETag of an aggregate version. */
export const setVersionHeaders = (res: Response, version: number, location?: string): void => {
  res.setHeader('ETag', `"${version}"`);
  if (location) res.setHeader('Location', location);
};
