import { problem, type ProblemDetails } from './problem';

/** An error that already knows its problem+json answer; thrown by handlers and pipes. */
export class ProblemError extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail ?? problem.title);
  }
}

export const notFound = (what: string): ProblemError =>
  new ProblemError(problem(404, 'not-found', `${what} was not found`));
export const badRequest = (
  slug: string,
  detail: string,
  errors?: { path: string; message: string }[],
): ProblemError => new ProblemError(problem(400, slug, detail, errors ? { errors } : {}));
