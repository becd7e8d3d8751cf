import fs from 'node:fs';
import readline from 'node:readline';
import { Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { ImportEncoding, ImportFormat } from '@tracker/contracts';
import { JsonDepthScanner, jsonNestsDeeperThan, jsonTooDeepMessage, printable } from '@tracker/platform';
import { tableKindOf, type TableKind, UnrecognisedHeadersError } from './columns';
import {
  mapJsonLine,
  mapResearchRow,
  mapUhriRow,
  recordOf,
  type CellValue,
  type MappedRow,
} from './row-mappers';
import { detectFileEncoding, encodingOfHead } from './text-encoding';

/** One data row of an import file: mapped, or why it could not be read at all. */
export type SourceRow =
  { readonly row: number; readonly mapped: MappedRow } | { readonly row: number; readonly error: string };

/** The file itself is unusable (wrong headers, not a spreadsheet, empty): a 4xx for the whole request. */
export class BadImportFileError extends Error {
  constructor(
    readonly slug: string,
    message: string,
    readonly status = 422,
  ) {
    super(message);
  }
}

const mapperOf = (kind: TableKind) => (kind === 'research' ? mapResearchRow : mapUhriRow);

const cellOf = (v: ExcelJS.CellValue): CellValue => {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('result' in v) return cellOf(v.result);
    if ('error' in v) return null;
  }
  return null;
};

/** UHRI's XLSX: first worksheet, first row = headers. Streamed: rows are never all in memory. */
export async function* readXlsx(path: string): AsyncGenerator<SourceRow> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'cache',
    worksheets: 'emit',
    entries: 'emit',
  });
  let sheets = 0;
  try {
    for await (const worksheet of reader) {
      sheets += 1;
      if (sheets > 1) continue; // only the first worksheet; drain the rest
      let headers: string[] | null = null;
      let row = 0;
      let map: (r: ReturnType<typeof recordOf>) => MappedRow = mapUhriRow;
      for await (const r of worksheet as AsyncIterable<ExcelJS.Row>) {
        const raw = Array.isArray(r.values) ? r.values.slice(1) : [];
        const values = raw.map(cellOf);
        if (!headers) {
          headers = values.map((v) => (v === null ? '' : String(v)));
          map = mapperOf(tableKindOf(headers));
          continue;
        }
        if (values.every((v) => v === null || v === '')) continue;
        row += 1;
        try {
          yield { row, mapped: map(recordOf(headers, values)) };
        } catch (err) {
          yield { row, error: err instanceof Error ? err.message : String(err) };
        }
      }
      if (!headers) throw new BadImportFileError('empty-file', 'the spreadsheet has no header row', 400);
    }
  } catch (err) {
    if (err instanceof BadImportFileError) throw err;
    // (An Error subclass's `name` is still 'Error': the class decides, not the name.)
    if (err instanceof UnrecognisedHeadersError) throw err;
    throw new BadImportFileError(
      'unreadable-spreadsheet',
      `the file is not a readable XLSX workbook: ${err instanceof Error ? err.message : String(err)}`,
      400,
    );
  }
  if (sheets === 0) throw new BadImportFileError('empty-file', 'the workbook has no worksheet', 400);
}

/**
 * A closing quote followed by stray punctuation before the delimiter (`"... (The Netherlands).";,` in
 * the 2011 research CSV): csv-parse, even with relax_quotes, then reads on to the next quote and merges
 * two records. Moving the stray characters inside the quotes keeps them in the text, as Python's csv
 * module does. A `""` (an escaped quote) is left alone. The pattern never spans a line end, so the
 * text is fixed up to its last line end and the unfinished line waits for the next chunk.
 */
const STRAY_AFTER_QUOTE = /(?<!")"([;.)]{1,3}),/g;
export const strayQuoteSuffixFixer = (): Transform => {
  let carry = '';
  return new Transform({
    decodeStrings: false,
    transform(chunk: string | Buffer, _enc, done) {
      const text = carry + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      const cut = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r')) + 1;
      carry = text.slice(cut);
      done(null, text.slice(0, cut).replace(STRAY_AFTER_QUOTE, '$1",'));
    },
    flush(done) {
      done(null, carry.replace(STRAY_AFTER_QUOTE, '$1",'));
    },
  });
};

/** The first `bytes` of a file, decoded (a multi-byte sequence cut at the end is of no concern). */
const decodedHead = async (path: string, encoding: ImportEncoding, bytes = 64 * 1024): Promise<string> => {
  const handle = await fs.promises.open(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buf, 0, bytes, 0);
    return iconv.decode(buf.subarray(0, bytesRead), encoding);
  } finally {
    await handle.close();
  }
};

const DELIMITERS = [',', '\t', ';'] as const;
type Delimiter = (typeof DELIMITERS)[number];

/**
 * The field delimiter, from the header line: a comma (CSV), a tab (TSV: what spreadsheets write as
 * "Unicode text" or "Tab-delimited text") or a semicolon (CSV where the comma is the decimal mark),
 * whichever occurs most outside quotes; a comma when none does.
 */
export const delimiterOf = (text: string): Delimiter => {
  const counts = new Map<Delimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch as Delimiter))
      counts.set(ch as Delimiter, counts.get(ch as Delimiter)! + 1);
  }
  let best: Delimiter = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
};

/** C0 controls other than tab, line ends, form feed and SUB: never in a text spreadsheet. */
// eslint-disable-next-line no-control-regex
const C0_CONTROL = /[\u0000-\u0008\u000b\u000e-\u0019\u001b-\u001f]/;
/** The same, DEL and the C1 controls: in decoded text, signs of bytes that are not in its encoding. */
// eslint-disable-next-line no-control-regex
const BINARY_CHARACTER = /[\u0000-\u0008\u000b\u000e-\u0019\u001b-\u001f\u007f-\u009f]/;

/**
 * CSV or TSV: the research format, UHRI's columns or our own export, in any encoding of
 * text-encoding.ts (detected when not given). Decoded while streamed, the delimiter taken from the
 * header line, any line ends (CR, LF, CRLF, mixed), quotes relaxed; a record the parser cannot make
 * sense of becomes a rejected row, never an aborted import.
 */
export async function* readCsv(path: string, encoding?: ImportEncoding): AsyncGenerator<SourceRow> {
  const using = encoding ?? (await detectFileEncoding(path)).encoding;
  const head = await decodedHead(path, using);
  // The first line decides: control characters there mean the bytes are not text in this encoding
  // (a binary file sent as CSV), and naming its "headers" would only echo the bytes back.
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/, 1)[0] ?? '';
  if (BINARY_CHARACTER.test(firstLine) || firstLine.includes('\uFFFD')) {
    throw new BadImportFileError(
      'not-text',
      `the file is not ${using} text: its first line holds control characters or invalid byte sequences`,
      422,
    );
  }
  const delimiter = delimiterOf(head);
  const skipped: string[] = [];
  const decoded = fs.createReadStream(path).pipe(iconv.decodeStream(using));
  // The research files' stray-quote repair only makes sense between comma-separated fields.
  const parser = (delimiter === ',' ? decoded.pipe(strayQuoteSuffixFixer()) : decoded).pipe(
    parseCsv({
      bom: true,
      delimiter,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
      skip_records_with_error: true,
      on_skip: (err) => {
        skipped.push(err?.message ?? 'unparseable record');
      },
    }),
  );
  let headers: string[] | null = null;
  let map: (r: ReturnType<typeof recordOf>) => MappedRow = mapUhriRow;
  let row = 0;
  for await (const rec of parser as AsyncIterable<string[]>) {
    while (skipped.length > 0) yield { row: (row += 1), error: `unreadable CSV record: ${skipped.shift()}` };
    if (!headers) {
      headers = rec;
      map = mapperOf(tableKindOf(headers));
      continue;
    }
    row += 1;
    try {
      yield { row, mapped: map(recordOf(headers, rec)) };
    } catch (err) {
      yield { row, error: err instanceof Error ? err.message : String(err) };
    }
  }
  while (skipped.length > 0) yield { row: (row += 1), error: `unreadable CSV record: ${skipped.shift()}` };
  if (!headers) throw new BadImportFileError('empty-file', 'the CSV file has no header row', 400);
}

/**
 * Refuses the whole file (400, before any row is written) when a line nests deeper than
 * MAX_JSON_DEPTH: such a line is an attack or a broken export, not a recommendation, and walking it
 * would overflow the stack. One streamed pass over the text, no parsing.
 */
const assertJsonLinesDepth = async (path: string, encoding: ImportEncoding): Promise<void> => {
  const scanner = new JsonDepthScanner(undefined, true);
  const text = fs.createReadStream(path, { highWaterMark: 1 << 20 }).pipe(iconv.decodeStream(encoding));
  for await (const chunk of text as AsyncIterable<string>) if (scanner.push(chunk)) break;
  if (scanner.tooDeepAt !== null)
    throw new BadImportFileError('json-too-deep', `line ${scanner.tooDeepAt}: ${jsonTooDeepMessage()}`, 400);
};

/** JSON lines of the API's create shape; blank lines are ignored, row = line number. */
export async function* readJsonLines(path: string, encoding?: ImportEncoding): AsyncGenerator<SourceRow> {
  const using = encoding ?? (await detectFileEncoding(path)).encoding;
  await assertJsonLinesDepth(path, using);
  const lines = readline.createInterface({
    input: fs.createReadStream(path).pipe(iconv.decodeStream(using)),
    crlfDelay: Infinity,
  });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (!text.trim()) continue;
    // The file was checked as a whole; this keeps the reader safe on its own.
    if (jsonNestsDeeperThan(text)) {
      yield { row: line, error: jsonTooDeepMessage() };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      yield { row: line, error: 'not valid JSON' };
      continue;
    }
    yield { row: line, mapped: mapJsonLine(value) };
  }
}

/** The reader of a format; `encoding` is that of a text file (see text-encoding.ts), unused for XLSX. */
export const readerFor = (
  format: ImportFormat,
  path: string,
  encoding?: ImportEncoding,
): AsyncGenerator<SourceRow> =>
  format === 'xlsx'
    ? readXlsx(path)
    : format === 'csv'
      ? readCsv(path, encoding)
      : readJsonLines(path, encoding);

/**
 * What a file is, by content first (a ZIP is a workbook, `{` starts JSON lines), then by name. Anything
 * binary that is not a workbook is not a spreadsheet; UTF-16 text (NUL in every other byte) is text.
 */
export const detectFormat = async (path: string, originalName: string): Promise<ImportFormat> => {
  const handle = await fs.promises.open(path, 'r');
  let head: Buffer;
  try {
    const buf = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    head = buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  if (head.length === 0) throw new BadImportFileError('empty-file', 'the file is empty', 400);
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) return 'xlsx';
  // Only the structure matters here: UTF-16 is decoded, anything else read byte for byte.
  const byHead = encodingOfHead(head)?.encoding;
  const utf16 = byHead === 'utf-16le' || byHead === 'utf-16be' ? byHead : null;
  const text = utf16 ? iconv.decode(head, utf16) : head.toString('latin1');
  // Control characters other than tab, CR, LF, FF and SUB never occur in a text spreadsheet (the last
  // character of the head may be half of a UTF-16 pair).
  if (C0_CONTROL.test(text.slice(0, utf16 ? -1 : undefined))) {
    throw new BadImportFileError(
      'not-a-spreadsheet',
      `${printable(originalName, 80) || 'the file'} is not a spreadsheet: expected XLSX, CSV, TSV or JSON lines`,
      415,
    );
  }
  const first = text.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (first.length === 0) throw new BadImportFileError('empty-file', 'the file holds only blank space', 400);
  if (first.startsWith('{') || /\.(jsonl|ndjson)$/i.test(originalName)) return 'jsonl';
  return 'csv';
};
