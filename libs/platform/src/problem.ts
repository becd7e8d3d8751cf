/** RFC 9457 problem details; every error answer of every service has this shape. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  /** Field-level reasons for validation errors. */
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export const problem = (
  status: number,
  slug: string,
  detail?: string,
  extra: Partial<ProblemDetails> = {},
): ProblemDetails => ({
  type: `https://tracker.example/problems/${slug}`,
  title: TITLES[status] ?? 'Error',
  status,
  ...(detail ? { detail } : {}),
  ...extra,
});
