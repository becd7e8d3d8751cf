import { canonicalJson, MAX_CANONICAL_DEPTH } from './canonical-json';

const nested = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i += 1) v = i % 2 ? [v] : { a: v };
  return v;
};

describe('canonicalJson', () => {
  it('sorts keys at every depth, drops undefined and writes dates as ISO strings', () => {
    expect(canonicalJson({ b: [1, undefined, { d: 1, c: new Date(0) }], a: undefined, c: null })).toBe(
      '{"b":[1,null,{"c":"1970-01-01T00:00:00.000Z","d":1}],"c":null}',
    );
  });

  it('serialises values up to its depth limit as JSON.stringify would', () => {
    const v = nested(MAX_CANONICAL_DEPTH);
    expect(canonicalJson(v)).toBe(JSON.stringify(v));
  });

  it('refuses 10,000 levels with a TypeError naming the limit, not a stack overflow', () => {
    expect(() => canonicalJson(nested(10_000))).toThrow(
      new TypeError(`value nested deeper than ${MAX_CANONICAL_DEPTH} levels`),
    );
  });
});
