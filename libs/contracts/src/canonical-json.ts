/**
 * Deeper than any event or request of this domain (they nest 4-5 levels; JSON input is capped at 64
 * by the body parser and the JSON-lines import) and far below the call-stack limit, which a few
 * thousand levels of this recursion used to reach (a RangeError, a 500).
 */
export const MAX_CANONICAL_DEPTH = 256;

const canonical = (value: unknown, depth: number): string => {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError('non-finite number in event');
    return JSON.stringify(value) ?? 'null';
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (depth >= MAX_CANONICAL_DEPTH)
    throw new TypeError(`value nested deeper than ${MAX_CANONICAL_DEPTH} levels`);
  if (Array.isArray(value))
    return `[${value.map((v) => canonical(v === undefined ? null : v, depth + 1)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v, depth + 1)}`).join(',')}}`;
};

/**
 * Deterministic JSON: object keys sorted at every depth, no whitespace, `undefined` dropped. The hash
 * chain depends on it: the same event must serialise to the same bytes on every machine and in every
 * release, whatever order a driver returns keys in. A value nested deeper than MAX_CANONICAL_DEPTH is
 * refused with a TypeError rather than overflowing the call stack.
 */
export const canonicalJson = (value: unknown): string => canonical(value, 0);
