import type { Collection, Document, OptionalUnlessRequiredId } from 'mongodb';
import { DUPLICATE_KEY, isDuplicateKey, writeErrorsOf } from '@tracker/ferretdb';

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
    if (errors === null ? !isDuplicateKey(err) : !errors.every((e) => e.code === DUPLICATE_KEY)) throw err;
  }
};
