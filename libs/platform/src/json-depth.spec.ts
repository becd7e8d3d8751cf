import { JsonDepthScanner, jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-depth';

const nested = (depth: number, open = '[', close = ']'): string => open.repeat(depth) + close.repeat(depth);

describe(JsonDepthScanner.name, () => {
  it('lets JSON up to the limit through and refuses one level more, for arrays and objects', () => {
    expect(jsonNestsDeeperThan(nested(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestsDeeperThan(nested(MAX_JSON_DEPTH + 1))).toBe(true);
    const objects = (d: number): string => '{"a":'.repeat(d - 1) + '{}' + '}'.repeat(d - 1);
    expect(jsonNestsDeeperThan(objects(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonNestsDeeperThan(objects(MAX_JSON_DEPTH + 1))).toBe(true);
  });

  it('counts depth, not brackets: many siblings are fine', () => {
    expect(jsonNestsDeeperThan(`[${Array(10_000).fill('[{"a":[1]}]').join(',')}]`)).toBe(false);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ text: '['.repeat(1000) }))).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ text: `\\"${'{'.repeat(1000)}` }))).toBe(false);
    expect(jsonNestsDeeperThan(`["\\\\", ${nested(100)}]`)).toBe(true);
  });

  it('scans 10,000 levels without recursion, as text and as UTF-8 bytes', () => {
    expect(jsonNestsDeeperThan(nested(10_000))).toBe(true);
    expect(jsonNestsDeeperThan(Buffer.from(`{"é":${nested(10_000)}}`, 'utf8'))).toBe(true);
  });

  it('keeps its state across chunks and, per line, names the first line that went too deep', () => {
    const text = `${nested(3)}\n{"a":"[[["}\n${nested(MAX_JSON_DEPTH + 1)}\n[]\n`;
    for (const cut of [1, 7, 20, text.length - 3]) {
      const sut = new JsonDepthScanner(MAX_JSON_DEPTH, true);
      sut.push(text.slice(0, cut));
      expect(sut.push(text.slice(cut))).toBe(true);
      expect(sut.tooDeepAt).toBe(3);
    }
    // An unclosed string or array on one line does not carry into the next.
    const sut = new JsonDepthScanner(2, true);
    expect(sut.push('"[[[\n[[[[\n')).toBe(true);
    expect(sut.tooDeepAt).toBe(2);
    expect(new JsonDepthScanner(2, true).push('[[\n[[\n')).toBe(false);
  });

  it('per line, ends a line at CR and CRLF as well as LF, as the JSON-lines reader does (CRLF once)', () => {
    const deep = nested(MAX_JSON_DEPTH + 1);
    for (const eol of ['\r', '\r\n']) {
      // An unclosed string on line 1 must not hide the deep value on line 3 (a CR-only file was one line).
      const text = `{"a":"x${eol}[]${eol}${deep}${eol}`;
      for (const cut of [1, 8, 9, 10, text.length - 1]) {
        const sut = new JsonDepthScanner(MAX_JSON_DEPTH, true);
        sut.push(text.slice(0, cut));
        expect({ eol, cut, tooDeep: sut.push(text.slice(cut)) }).toEqual({ eol, cut, tooDeep: true });
        expect(sut.tooDeepAt).toBe(3);
      }
    }
  });
});
