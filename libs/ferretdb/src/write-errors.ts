/** E11000: a write refused by a unique index, on MongoDB and FerretDB alike. */
export const DUPLICATE_KEY = 11000;

export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && err.code === DUPLICATE_KEY;

/**
 * The per-document errors of a failed bulk write or insertMany (the driver gives one or a list, and
 * older servers nest them under `err`), or null if the error is not one.
 */
export const writeErrorsOf = (err: unknown): { index: number; code: number }[] | null => {
  if (typeof err !== 'object' || err === null || !('writeErrors' in err) || err.writeErrors === undefined)
    return null;
  const raw = err.writeErrors;
  const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
  return list.map((w) => {
    const e = w as { index?: number; code?: number; err?: { index?: number; code?: number } };
    return { index: e.index ?? e.err?.index ?? -1, code: e.code ?? e.err?.code ?? 0 };
  });
};
