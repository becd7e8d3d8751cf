import path from 'node:path';
import iconv from 'iconv-lite';
import { detectFileEncoding, detectTextEncoding, EncodingSniffer, encodingOfHead } from './text-encoding';

const FIXTURES = path.join(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'upr-2008-2011');

/** Text with what spreadsheets hold beyond ASCII: accents, curly quotes, an en dash. */
const FRENCH =
  'text,to,decision,From,year\r\n' +
  '"Adopter la loi sur l’égalité – « sans délai »",Mali,accepted,France,2023\r\n' +
  '"Garantir l’accès des élèves à l’école, y compris “hors ville”",Mali,noted,Belgique,2023\r\n';
const ENGLISH = 'text,to\r\n"Protect women’s rights – “now”",Côte d’Ivoire\r\n';

const bytes = (text: string, encoding: string, bom = false): Buffer =>
  iconv.encode(text, encoding, { addBOM: bom });

describe(detectTextEncoding.name, () => {
  it.each([
    ['UTF-8 with a BOM', bytes(FRENCH, 'utf-8', true), 'utf-8', true],
    ['UTF-8 without one', bytes(FRENCH, 'utf-8'), 'utf-8', false],
    ['plain ASCII', Buffer.from('text,to\r\nabc,def\r\n'), 'utf-8', false],
    [
      'UTF-16 LE with a BOM ("Unicode text")',
      bytes(FRENCH.replace(/,/g, '\t'), 'utf-16le', true),
      'utf-16le',
      true,
    ],
    ['UTF-16 BE with a BOM', bytes(FRENCH, 'utf-16be', true), 'utf-16be', true],
    ['UTF-16 LE without a BOM', bytes(FRENCH, 'utf-16le'), 'utf-16le', false],
    ['UTF-16 BE without a BOM', bytes(FRENCH, 'utf-16be'), 'utf-16be', false],
    ['Windows-1252 (French)', bytes(FRENCH, 'windows-1252'), 'windows-1252', false],
    ['Windows-1252 (English, curly quotes only)', bytes(ENGLISH, 'windows-1252'), 'windows-1252', false],
    ['Mac OS Roman (French)', bytes(FRENCH, 'macintosh'), 'macintosh', false],
    ['Mac OS Roman (English, curly quotes only)', bytes(ENGLISH, 'macintosh'), 'macintosh', false],
  ])('reads %s', (_what, input, encoding, bom) => {
    expect(detectTextEncoding(input)).toEqual({ encoding, bom });
  });

  it('takes CR-only line ends (classic Mac OS) as Mac OS Roman when the characters alone do not decide', () => {
    const ambiguous = Buffer.from('text\rwomen\xcds rights\rRules\xee) and\r', 'latin1');
    expect(detectTextEncoding(ambiguous).encoding).toBe('macintosh');
    expect(
      detectTextEncoding(Buffer.from('text\r\nwomen\xcds rights\r\nRules\xee) and\r\n', 'latin1')).encoding,
    ).toBe('windows-1252');
  });

  it('gives the same answer however the bytes arrive in chunks', () => {
    const input = bytes(FRENCH.repeat(50), 'windows-1252');
    for (const size of [1, 2, 3, 7, 100]) {
      const sut = new EncodingSniffer();
      for (let i = 0; i < input.length; i += size) sut.push(input.subarray(i, i + size));
      expect(sut.result().encoding).toBe('windows-1252');
    }
  });

  it('does not take binary data with NULs in both byte positions for UTF-16', () => {
    const binary = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    expect(encodingOfHead(binary)).toBeNull();
  });
});

describe(detectFileEncoding.name, () => {
  it.each(['2008', '2009', '2010', '2011'])(
    'reads the research CSV of %s as Mac OS Roman, as before',
    async (year) => {
      expect(await detectFileEncoding(path.join(FIXTURES, `${year}.csv`))).toEqual({
        encoding: 'macintosh',
        bom: false,
      });
    },
  );
});
