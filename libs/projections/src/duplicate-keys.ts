import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';

const DUPLICATE_KEY = 11000;

/** A write refused by a unique index (E11000), on MongoDB and FerretDB alike. */
export const isDuplicateKey = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && err.code === DUPLICATE_KEY;

/** The per-document errors of a failed bulk write or insertMany (one or many), or null if it is not one. */
export const writeErrorsOf = (err: unknown): readonly unknown[] | null => {
  if (typeof err !== 'object' || err === null || !('writeErrors' in err) || err.writeErrors === undefined)
    return null;
  return Array.isArray(err.writeErrors) ? (err.writeErrors as unknown[]) : [err.writeErrors];
};

/**
 * One unordered insertMany where a document already there is not an error: what idempotent writers of
 * derived documents need (a redelivered or retried batch inserts the same `_id`s again). Any other
 * failure is thrown.
 */
export const insertManyIgnoringDuplicates = async <T extends Document>(
  collection: Collection<T>,
  docs: readonly OptionalUnlessRequiredId<T>[],
): Promise<void> => {
  if (docs.length === 0) return;
  try {
    await collection.insertMany([...docs], { ordered: false });
  } catch (err) {
    const errors = writeErrorsOf(err);
    if (errors === null ? !isDuplicateKey(err) : errors.length === 0 || !errors.every(isDuplicateKey))
      throw err;
  }
};
