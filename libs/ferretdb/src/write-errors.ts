/** E11000: a write refused by a unique index, on MongoDB and FerretDB alike. */
export const DUPLICATE_KEY = 11000;

export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && err.code === DUPLICATE_KEY;

/**
 * The per-document errors of a failed bulk write or insertMany (the driver gives one or a list, and
 * older servers nest them under `err`), or null if the error is not one. The driver also throws a bulk
 * write error with no per-document errors when the whole command failed (a connection reset, a server
 * restarting): that is null too, since nothing says which documents were written, and a caller that
 * read an empty list as "every document written" acknowledged writes that were lost (the chaos suite's
 * MongoDB-wire restart caught it, session 9).
 */
export const writeErrorsOf = (err: unknown): { index: number; code: number }[] | null => {
  if (typeof err !== 'object' || err === null || !('writeErrors' in err) || err.writeErrors === undefined)
    return null;
  const raw = err.writeErrors;
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (list.length === 0) return null;
  return list.map((w) => {
    const e = w as { index?: number; code?: number; err?: { index?: number; code?: number } };
    return { index: e.index ?? e.err?.index ?? -1, code: e.code ?? e.err?.code ?? 0 };
  });
};
