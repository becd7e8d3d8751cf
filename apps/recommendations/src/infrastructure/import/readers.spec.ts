import path from 'node:path';
import { Readable } from 'node:stream';
import { readCsv, strayQuoteSuffixFixer } from './readers';

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
