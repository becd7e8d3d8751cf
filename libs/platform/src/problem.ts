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

/** Control characters, lone surrogates and U+FFFD (what decoding an invalid byte sequence leaves). */
const UNPRINTABLE = /[\p{Cc}\p{Cs}\uFFFD\uFEFF]+/gu;

/**
 * Text that is safe to quote in a problem detail: each run of control characters, lone surrogates or
 * replacement characters becomes one `?`, and at most `max` characters are kept (then `…`). Whatever a
 * client sent (a file name, a header row) is quoted through it, so a detail never carries raw bytes of
 * the input back (binary uploads did).
 */
export const printable = (text: string, max = Number.POSITIVE_INFINITY): string => {
  const chars = [...text.replace(UNPRINTABLE, '?')];
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
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
  // The last line of defence: a detail that quotes input unfiltered still carries no raw bytes.
  ...(detail ? { detail: printable(detail) } : {}),
  ...extra,
});
