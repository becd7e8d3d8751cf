import fs from 'node:fs';
import iconv from 'iconv-lite';
import type { ImportEncoding } from '@tracker/contracts';

/**
 * Which encoding a text import (CSV, TSV, JSON lines) is in. Spreadsheet programs write several:
 * UTF-8 with or without a BOM ("CSV UTF-8"), UTF-16 LE with a BOM ("Unicode text", tab-separated),
 * Windows-1252 (Excel on Windows, "CSV") and Mac OS Roman (Excel for Mac, "CSV (Macintosh)", as in
 * the research files). Files carry no label, so the bytes decide, in this order:
 *
 * 1. a byte-order mark;
 * 2. UTF-16 without one, by where the NUL bytes fall (ASCII text in UTF-16 has one in every pair:
 *    the second byte in LE, the first in BE);
 * 3. UTF-8 if the whole file is valid UTF-8 (pure ASCII included; text in a single-byte encoding
 *    with accented letters is almost never valid UTF-8 by accident);
 * 4. otherwise Mac OS Roman or Windows-1252: Mac OS Roman if a byte occurs that Windows-1252 leaves
 *    undefined, or if most lines end with a lone CR (classic Mac OS line ends, what Excel for Mac
 *    writes with Mac OS Roman); else whichever reading of the bytes above 0x7F looks more like text
 *    (an apostrophe between letters, an accented lower-case letter inside a word) with Windows-1252,
 *    by far the more common today, on a tie.
 */

const HEAD_BYTES = 4096;

/** Bytes Windows-1252 does not define: seen in a file, it is not Windows-1252. */
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

const upperHalf = (encoding: string): string[] =>
  Array.from({ length: 128 }, (_, i) => iconv.decode(Buffer.from([0x80 + i]), encoding));
const CP1252 = upperHalf('windows-1252');
const MAC_ROMAN = upperHalf('macintosh');

const isAsciiLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isAsciiLower = (b: number): boolean => b >= 0x61 && b <= 0x7a;
/** A neighbour above 0x7F is most often another accented letter of the same word. */
const isLetterish = (b: number): boolean => isAsciiLetter(b) || b >= 0x80;

const LOWER = /^\p{Ll}$/u;
const UPPER = /^\p{Lu}$/u;

/**
 * How plausible one character read from a byte above 0x7F is between its two neighbours (bytes; -1 at
 * either end): positive for what text holds, negative for what only a wrong decoding produces (a
 * capital in mid-word, a symbol such as ™ or ◊ between letters, a lone letter between spaces).
 */
export const plausibility = (ch: string, prev: number, next: number): number => {
  const before = isLetterish(prev);
  const after = isLetterish(next);
  if (LOWER.test(ch)) return before && after ? 2 : before || after ? 1 : -1;
  if (UPPER.test(ch)) return isAsciiLower(prev) ? -1 : after ? 1 : 0;
  switch (ch) {
    case '\u2019': // ’ apostrophe or closing single quote
      return before ? 2 : 0;
    case '\u2018': // ‘
    case '\u201c': // “
    case '\u00ab': // «
      return before ? -1 : 2;
    case '\u201d': // ”
    case '\u00bb': // »
      return after ? -1 : 2;
    case '\u2013': // –
    case '\u2014': // —
      return before && after ? 0 : 2;
    case '\u2026': // …
    case '\u20ac': // €
    case '\u00a3': // £
    case '\u00b0': // °
    case '\u00a7': // §
    case '\u2022': // •
    case '\u00a0': // no-break space
      return 1;
    default:
      return -1;
  }
};

export interface EncodingGuess {
  readonly encoding: ImportEncoding;
  /** The file starts with a byte-order mark (the decoder drops it). */
  readonly bom: boolean;
}

/**
 * What the first bytes alone decide: a byte-order mark (UTF-8 or UTF-16), or UTF-16 without one by NUL
 * bytes in one position of most byte pairs. Null: the rest of the file decides.
 */
export const encodingOfHead = (head: Uint8Array): EncodingGuess | null => {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: true };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: true };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: true };
  const pairs = Math.floor(Math.min(head.length, HEAD_BYTES) / 2);
  if (pairs < 2) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) evenNul += 1;
    if (head[i + 1] === 0) oddNul += 1;
  }
  // Mostly-ASCII text has a NUL in nearly every pair, always in the same position; text in other
  // scripts fewer, and rarely in the other one. Binary data has NULs in both: not UTF-16.
  if (oddNul >= pairs * 0.3 && evenNul <= oddNul * 0.05) return { encoding: 'utf-16le', bom: false };
  if (evenNul >= pairs * 0.3 && oddNul <= evenNul * 0.05) return { encoding: 'utf-16be', bom: false };
  return null;
};

/** Consumes a file in chunks and decides its encoding at the end (rules in the module comment). */
export class EncodingSniffer {
  private head: Buffer | null = null;
  private early: EncodingGuess | null = null;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  private validUtf8 = true;
  private undefinedInCp1252 = 0;
  private cp1252Score = 0;
  private macScore = 0;
  private loneCr = 0;
  private otherLineEnds = 0;
  private prev = -1;
  /** A byte above 0x7F waiting for its successor (the next byte, maybe in the next chunk) to be scored. */
  private pending = -1;
  private beforePending = -1;
  private decided: EncodingGuess | null = null;

  /** A BOM or UTF-16 decides by the first bytes: nothing after them needs reading. */
  get decidedByHead(): boolean {
    return this.early !== null;
  }

  push(chunk: Uint8Array): void {
    if (this.head === null) {
      this.head = Buffer.from(chunk.subarray(0, HEAD_BYTES));
      this.early = encodingOfHead(this.head);
    }
    if (this.early) return;
    if (this.validUtf8) {
      try {
        this.utf8.decode(chunk, { stream: true });
      } catch {
        this.validUtf8 = false;
      }
    }
    for (let i = 0; i < chunk.length; i += 1) this.byte(chunk[i]!);
  }

  private byte(b: number): void {
    if (this.pending >= 0) this.score(b);
    if (this.prev === 0x0d) {
      if (b === 0x0a) this.otherLineEnds += 1;
      else this.loneCr += 1;
    } else if (b === 0x0a) this.otherLineEnds += 1;
    if (b >= 0x80) {
      if (CP1252_UNDEFINED.has(b)) this.undefinedInCp1252 += 1;
      this.pending = b;
      this.beforePending = this.prev;
    } else this.pending = -1;
    this.prev = b;
  }

  private score(next: number): void {
    this.cp1252Score += plausibility(CP1252[this.pending - 0x80]!, this.beforePending, next);
    this.macScore += plausibility(MAC_ROMAN[this.pending - 0x80]!, this.beforePending, next);
    this.pending = -1;
  }

  /** The decision; call once every chunk has been pushed. */
  result(): EncodingGuess {
    this.decided ??= this.decide();
    return this.decided;
  }

  private decide(): EncodingGuess {
    if (this.early) return this.early;
    if (this.pending >= 0) this.score(-1);
    if (this.prev === 0x0d) this.loneCr += 1;
    if (this.validUtf8) {
      try {
        this.utf8.decode();
        return { encoding: 'utf-8', bom: false };
      } catch {
        // a multi-byte sequence cut off at the end of the file: not UTF-8 after all
      }
    }
    const macLineEnds = this.loneCr > this.otherLineEnds;
    if (this.undefinedInCp1252 > 0 || macLineEnds || this.macScore > this.cp1252Score)
      return { encoding: 'macintosh', bom: false };
    return { encoding: 'windows-1252', bom: false };
  }
}

/** The encoding of a whole buffer (tests, small files). */
export const detectTextEncoding = (bytes: Uint8Array): EncodingGuess => {
  const sniffer = new EncodingSniffer();
  sniffer.push(bytes);
  return sniffer.result();
};

/** The encoding of a file: one streamed pass, or only its first chunk when that decides. */
export const detectFileEncoding = async (path: string): Promise<EncodingGuess> => {
  const sniffer = new EncodingSniffer();
  for await (const chunk of fs.createReadStream(path, { highWaterMark: 1 << 20 })) {
    sniffer.push(chunk as Buffer);
    if (sniffer.decidedByHead) break;
  }
  return sniffer.result();
};
