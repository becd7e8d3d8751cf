/**
 * Equality keys: how a read model makes every filter an indexed equality on both servers. A document
 * carries `keys: ["kind:commitment", "theme:torture", "tok:torture", ...]`; a query asks `{keys: k}`
 * for its most selective key (pushed down by FerretDB, a multikey IXSCAN on MongoDB) and, when it
 * needs more, `$and: [{keys: k2}, ...]` beside it, which FerretDB evaluates only over what the first
 * key matched.
 */
export const equalityKey = (name: string, value: string | number | boolean): string => `${name}:${value}`;

/** The filter for documents holding every key, the first being the most selective. */
export const allKeys = (keys: readonly string[]): Record<string, unknown> => {
  const [first, ...rest] = keys;
  if (first === undefined) return {};
  return rest.length === 0 ? { keys: first } : { keys: first, $and: rest.map((k) => ({ keys: k })) };
};
