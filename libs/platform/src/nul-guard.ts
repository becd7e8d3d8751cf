import type { RequestHandler } from 'express';
import { problem } from './problem';
import { sendProblem } from './problem-details.filter';

const NUL = '\u0000';

/**
 * The path (`text.en`, `themes.2`, a key itself) of the first string in a parsed value holding U+0000.
 * Walks with an explicit stack, not recursion: the depth of the input must not decide whether the
 * guard itself overflows the call stack (it did, at a few thousand levels, before bodies were capped).
 */
export const nulPathOf = (value: unknown): string | null => {
  if (typeof value === 'string') return value.includes(NUL) ? '(root)' : null;
  const stack: { readonly entries: [string, unknown][]; index: number; readonly path: string }[] = [];
  const enter = (v: unknown, path: string): void => {
    if (typeof v === 'object' && v !== null) stack.push({ entries: Object.entries(v), index: 0, path });
  };
  enter(value, '');
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const entry = top.entries[top.index];
    top.index += 1;
    if (!entry) {
      stack.pop();
      continue;
    }
    const [key, child] = entry;
    const at = top.path ? `${top.path}.${key}` : key;
    if (key.includes(NUL)) return at;
    if (typeof child === 'string') {
      if (child.includes(NUL)) return at || '(root)';
    } else enter(child, at);
  }
  return null;
};

const decodedPath = (raw: string): string => {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw; // a broken escape is the router's business (404), not ours
  }
};

/**
 * Refuses U+0000 anywhere in the path, the query or a JSON body with a 400 naming where it was. No
 * text of this domain holds one, and FerretDB on PostgreSQL cannot store or even query it (SQLSTATE
 * 22P05), so it would otherwise surface as a 500 from the first database call (found by the fuzzer).
 */
export const rejectNulCharacters: RequestHandler = (req, res, next) => {
  const where: { path: string; message: string }[] = [];
  const message = 'must not contain the NUL character (U+0000)';
  if (decodedPath(req.path).includes(NUL)) where.push({ path: '(url path)', message });
  const inQuery = nulPathOf(req.query);
  if (inQuery) where.push({ path: `query.${inQuery}`, message });
  const inBody = nulPathOf(req.body as unknown);
  if (inBody) where.push({ path: inBody, message });
  if (where.length === 0) return next();
  sendProblem(
    res,
    req,
    problem(400, 'validation-failed', 'the request holds a NUL character', { errors: where }),
  );
};
