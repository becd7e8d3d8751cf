import { badRequest } from './http-errors';

/**
 * An opaque page cursor: the sort value and the id of a page's last item, as base64url JSON. Every
 * list of the API pages this way (keyset, never an offset), so one encoding serves them all.
 */
export type KeysetCursor = readonly [value: string, id: string];

export const encodeKeysetCursor = (value: string, id: string): string =>
  Buffer.from(JSON.stringify([value, id])).toString('base64url');

/** The (value, id) of a cursor this API issued; anything else is a 400 `bad-cursor`. */
export const decodeKeysetCursor = (cursor: string, valueShape?: RegExp): KeysetCursor => {
  let v: unknown = null;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // falls through to the 400
  }
  if (
    Array.isArray(v) &&
    v.length === 2 &&
    typeof v[0] === 'string' &&
    typeof v[1] === 'string' &&
    (valueShape === undefined || valueShape.test(v[0]))
  )
    return [v[0], v[1]];
  throw badRequest('bad-cursor', 'cursor is not one this API issued; start again without it');
};
