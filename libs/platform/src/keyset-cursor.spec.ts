import { ProblemError } from './http-errors';
import { decodeKeysetCursor, encodeKeysetCursor } from './keyset-cursor';

describe('keyset cursors', () => {
  it('give back the value and id they were made of', () => {
    expect(decodeKeysetCursor(encodeKeysetCursor('2026-12-07', 'a-1'))).toEqual(['2026-12-07', 'a-1']);
  });

  it.each([
    ['not base64 JSON', 'not-a-cursor'],
    ['numbers', Buffer.from('[1,2]').toString('base64url')],
    ['three parts', Buffer.from('["a","b","c"]').toString('base64url')],
  ])('refuse %s with a 400', (_what, cursor) => {
    expect(() => decodeKeysetCursor(cursor)).toThrow(ProblemError);
    expect(() => decodeKeysetCursor(cursor)).toThrow(/cursor/);
  });

  it('refuse a value of another shape than the list gives out', () => {
    const cursor = encodeKeysetCursor('not-hex', 'a-1');
    expect(() => decodeKeysetCursor(cursor, /^[0-9a-f]*$/)).toThrow(/cursor/);
    expect(decodeKeysetCursor(encodeKeysetCursor('0af', 'a-1'), /^[0-9a-f]*$/)).toEqual(['0af', 'a-1']);
  });
});
