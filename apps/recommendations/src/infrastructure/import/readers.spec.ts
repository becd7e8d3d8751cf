import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { UnrecognisedHeadersError } from './columns';
import {
  BadImportFileError,
  detectFormat,
  readCsv,
  readJsonLines,
  readXlsx,
  strayQuoteSuffixFixer,
} from './readers';

const FIXTURES = path.join(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'upr-2008-2011');

const fixed = async (chunks: string[]): Promise<string> => {
  let out = '';
  for await (const part of Readable.from(chunks).pipe(strayQuoteSuffixFixer())) out += String(part);
  return out;
};

describe('strayQuoteSuffixFixer', () => {
  const line = '"106.133. Evaluate the law (The Netherlands).";,denmark,consider\r\n"a ""quoted"";, b",x\r\n';

  it('moves punctuation left after a closing quote inside the field; escaped quotes stay as they are', async () => {
    expect(await fixed([line])).toBe(
      '"106.133. Evaluate the law (The Netherlands).;",denmark,consider\r\n"a ""quoted"";, b",x\r\n',
    );
  });

  it('gives the same text however the stream is cut into chunks', async () => {
    const whole = await fixed([line]);
    for (let cut = 1; cut < line.length; cut += 1) {
      expect(await fixed([line.slice(0, cut), line.slice(cut)])).toBe(whole);
    }
    expect(await fixed(line.split(''))).toBe(whole);
  });
});

describe('readCsv on the research CSVs', () => {
  it('reads every record of 2011, the file with the malformed quote, as Python csv reads it (8,628 rows and one blank line)', async () => {
    let rows = 0;
    let errors = 0;
    let denmark = '';
    for await (const r of readCsv(path.join(FIXTURES, '2011.csv'))) {
      rows += 1;
      if ('error' in r) errors += 1;
      else if (JSON.stringify(r.mapped.request).includes('106.133'))
        denmark = JSON.stringify(r.mapped.request);
    }
    expect(rows).toBe(8_628);
    expect(errors).toBe(0);
    expect(denmark).toContain('anti.terrorism legislation');
    expect(denmark).not.toContain('80.1.');
  }, 60_000);
});

describe('readCsv in the encodings spreadsheets write', () => {
  const TABLE = [
    ['text', 'to', 'decision', 'From', 'year'],
    ['96.1 Garantir l’accès à l’école “pour tous”', 'Mali', 'accepted', 'France', '2023'],
    ['96.2 Protect women’s rights now', 'Côte d’Ivoire', 'noted', 'Brazil', '2023'],
  ];
  const table = (delimiter: string): string => TABLE.map((r) => r.join(delimiter)).join('\r\n') + '\r\n';
  const texts = async (file: string): Promise<string[]> => {
    const out: string[] = [];
    for await (const r of readCsv(file)) {
      if ('error' in r) throw new Error(r.error);
      out.push((r.mapped.request.text as { en: string }).en);
    }
    return out;
  };
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'readers-spec-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, bytes: Buffer): Promise<string> => {
    const at = path.join(dir, name);
    await writeFile(at, bytes);
    return at;
  };

  it.each([
    ['UTF-16 LE TSV with a BOM (“Unicode text”)', iconv.encode(table('\t'), 'utf-16le', { addBOM: true })],
    ['UTF-16 BE CSV without a BOM', iconv.encode(table(','), 'utf-16be')],
    ['UTF-8 CSV with a BOM', iconv.encode(table(','), 'utf-8', { addBOM: true })],
    ['Windows-1252 semicolon CSV', iconv.encode(table(';'), 'windows-1252')],
    ['Mac OS Roman CSV with CR line ends', iconv.encode(table(',').replace(/\r\n/g, '\r'), 'macintosh')],
  ])('reads a %s to the same rows as plain UTF-8', async (name, bytes) => {
    const reference = await texts(await file('reference.csv', Buffer.from(table(','), 'utf8')));
    expect(reference).toEqual(["Garantir l'accès à l'école \"pour tous", "Protect women's rights now"]);
    expect(await texts(await file(`${name}.csv`, bytes))).toEqual(reference);
  });

  it('takes UTF-16 for text, not binary, when detecting the format', async () => {
    const at = await file('unicode.txt', iconv.encode(table('\t'), 'utf-16le', { addBOM: true }));
    expect(await detectFormat(at, 'unicode.txt')).toBe('csv');
  });

  it('refuses binary bytes sent as CSV with a 422 that quotes none of them', async () => {
    // Every byte value but the line ends, so the first "line" is all of it.
    const garbage = Buffer.from(
      Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256).filter((b) => b !== 0x0a && b !== 0x0d),
    );
    const at = await file('garbage.csv', garbage);
    const err = await (async () => {
      for await (const _ of readCsv(at)) return null;
      return null;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadImportFileError);
    expect(err).toMatchObject({ status: 422, slug: 'not-text' });
    expect((err as Error).message).toMatch(/^[\x20-\x7e]+$/);
  });
});

describe('readJsonLines', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'readers-jsonl-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const line = JSON.stringify({ externalKey: 'k-1', text: { en: 'Garantir l’accès à l’école' } });

  it('refuses a file with a line nested deeper than 64 levels before yielding any row', async () => {
    const at = path.join(dir, 'deep.jsonl');
    await writeFile(at, `${line}\n${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    const rows: unknown[] = [];
    const err = await (async () => {
      for await (const r of readJsonLines(at)) rows.push(r);
    })().catch((e: unknown) => e);
    expect(rows).toEqual([]);
    expect(err).toMatchObject({
      status: 400,
      slug: 'json-too-deep',
      message: expect.stringMatching(/^line 2: /) as unknown,
    });
  });

  it('reads JSON lines written in UTF-16 LE with a BOM', async () => {
    const at = path.join(dir, 'utf16.jsonl');
    await writeFile(at, iconv.encode(`${line}\r\n`, 'utf-16le', { addBOM: true }));
    const rows: unknown[] = [];
    for await (const r of readJsonLines(at)) rows.push(r);
    expect(rows).toEqual([{ row: 1, mapped: { derivedKey: false, request: JSON.parse(line) as unknown } }]);
  });
});

describe('readXlsx', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'readers-xlsx-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a workbook of other columns as unrecognised headers (a 422), not as an unreadable file', async () => {
    const at = path.join(dir, 'other-columns.xlsx');
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Sheet1');
    sheet.addRow(['Name', 'Amount']);
    sheet.addRow(['a', 1]);
    await workbook.xlsx.writeFile(at);
    const err = await (async () => {
      for await (const _ of readXlsx(at));
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnrecognisedHeadersError);
    expect((err as Error).message).toMatch(/^the header row is neither/);
  });
});
