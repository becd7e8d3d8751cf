/**
 * How deep JSON input may nest. No request or import row of this API needs more than 4 levels; the cap
 * exists because every walk over a parsed value (the NUL guard, canonical JSON, validation) recurses,
 * and a few thousand levels blow the call stack (a 500 from every service before the limit existed).
 */
export const MAX_JSON_DEPTH = 64;

export const jsonTooDeepMessage = (max = MAX_JSON_DEPTH): string =>
  `JSON nested deeper than ${max} levels (the limit is ${max})`;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Measures nesting on the raw text, before JSON.parse, in one loop with no recursion: `[` and `{`
 * outside strings open a level, `]` and `}` close one. It does not validate (the parser does); it only
 * says whether the text would nest deeper than `max`. Fed in chunks (a stream) it keeps its state
 * across them; with `perLine` each line end starts a new value (JSON lines, where a raw line end cannot
 * occur inside a string). Line ends are counted as the JSON-lines reader (readline) splits them: LF, CR
 * or CRLF, so `tooDeepAt` names the line the reader would, and a CR-only file is not one long line.
 *
 * Works on UTF-16 code units or on bytes of any ASCII-compatible encoding (UTF-8's multi-byte
 * sequences never contain the bytes it looks at).
 */
export class JsonDepthScanner {
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** 1-based line of the first value that went too deep (1 without `perLine`), or null. */
  tooDeepAt: number | null = null;
  private line = 1;
  /** The last character was a CR: an LF right after it ends the same line (CRLF). */
  private afterCr = false;

  constructor(
    private readonly max = MAX_JSON_DEPTH,
    private readonly perLine = false,
  ) {}

  /** Returns true once the limit is exceeded (and stays true: there is no need to read further). */
  push(text: string | Uint8Array): boolean {
    if (this.tooDeepAt !== null) return true;
    const isString = typeof text === 'string';
    for (let i = 0; i < text.length; i += 1) {
      const c = isString ? text.charCodeAt(i) : (text[i] as number);
      if (this.perLine) {
        if (c === LF || c === CR) {
          if (c === CR || !this.afterCr) {
            this.line += 1;
            this.depth = 0;
            this.inString = false;
            this.escaped = false;
          }
          this.afterCr = c === CR;
          continue;
        }
        this.afterCr = false;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
        this.depth += 1;
        if (this.depth > this.max) {
          this.tooDeepAt = this.line;
          return true;
        }
      } else if ((c === CLOSE_BRACKET || c === CLOSE_BRACE) && this.depth > 0) this.depth -= 1;
    }
    return false;
  }
}

/** Whether one JSON text nests deeper than `max` levels (see JsonDepthScanner). */
export const jsonNestsDeeperThan = (text: string | Uint8Array, max = MAX_JSON_DEPTH): boolean =>
  new JsonDepthScanner(max).push(text);
