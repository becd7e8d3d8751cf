import iconv from 'iconv-lite';
import request from 'supertest';
import { stackForSuite } from '../support/stack';

jest.setTimeout(120_000);

interface Report {
  format: string;
  encoding?: string;
  read: number;
  created: number;
  unchanged: number;
  rejected: { row: number; reason: string }[];
}

/** The research table (text, to, decision, From, year) with what only Unicode text holds intact. */
const table = (delimiter: string, tag: string): string =>
  [
    ['text', 'to', 'decision', 'From', 'year'],
    [`${tag}.1 Garantir l’accès à l’école pour tous`, 'Mali', 'accepted', 'France', '2023'],
    [`${tag}.2 Protect women’s rights in Côte d’Ivoire`, 'Mali', 'noted', 'Brazil', '2023'],
  ]
    .map((r) => r.join(delimiter))
    .join('\r\n') + '\r\n';

/** Nothing a client could not read as text: printable characters only, and no replacement character. */
const PRINTABLE = /^[^\p{Cc}\p{Cs}\uFFFD]*$/u;

describe('importing CSV and TSV in the encodings spreadsheet programs write, through the gateway', () => {
  const suite = stackForSuite();

  const upload = (bytes: Buffer, filename: string, query = ''): request.Test =>
    request(suite.stack.gatewayUrl)
      .post(`/api/recommendations/import${query}`)
      .set('Authorization', suite.bearer('secretariat'))
      .attach('file', bytes, { filename, contentType: 'application/octet-stream' });

  it.each([
    [
      'a UTF-16 LE TSV with a BOM ("Unicode text")',
      iconv.encode(table('\t', '71'), 'utf-16le', { addBOM: true }),
      'utf-16le',
    ],
    ['a UTF-16 BE CSV without a BOM', iconv.encode(table(',', '72'), 'utf-16be'), 'utf-16be'],
  ])('imports %s and says which encoding it read', async (_what, bytes, encoding) => {
    const res = await upload(bytes, 'recommendations.txt');
    expect(res.status).toBe(200);
    const report = res.body as Report;
    expect(report).toMatchObject({ format: 'csv', encoding, read: 2, created: 2, rejected: [] });
  });

  it('reads the accents and apostrophes of a UTF-16 file as written', async () => {
    await upload(iconv.encode(table('\t', '73'), 'utf-16le', { addBOM: true }), 'unicode.txt', '?dryRun=true')
      .expect(200)
      .expect((res) => expect((res.body as Report).encoding).toBe('utf-16le'));
    const utf8 = await upload(Buffer.from(table(',', '73'), 'utf8'), 'utf8.csv').expect(200);
    expect(utf8.body).toMatchObject({ encoding: 'utf-8', created: 2 });
    // The same rows in UTF-16 are the same recommendations: nothing new, nothing rejected.
    const utf16 = await upload(iconv.encode(table('\t', '73'), 'utf-16le', { addBOM: true }), 'unicode.txt');
    expect(utf16.body).toMatchObject({ encoding: 'utf-16le', created: 0, unchanged: 2, rejected: [] });
  });

  describe('binary garbage', () => {
    // Every byte value, line ends left out so that the whole of it is the "header row".
    const garbage = Buffer.from(
      Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256).filter((b) => b !== 0x0a && b !== 0x0d),
    );
    const expectCleanProblem = (res: request.Response, status: number): void => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const { detail } = JSON.parse(res.text) as { detail: string };
      expect(detail).toMatch(PRINTABLE);
      expect(detail.length).toBeLessThan(400);
    };

    it('sent as CSV is a 422 whose detail quotes none of its bytes', async () => {
      expectCleanProblem(await upload(garbage, 'garbage.csv', '?format=csv'), 422);
    });

    it('without a format is a 415 whose detail quotes no control character of its file name', async () => {
      expectCleanProblem(await upload(garbage, 'evil\u0085\u009b[31m.csv'), 415);
    });

    it('of high bytes only (no control byte: text in Windows-1252) is a 422 quoting at most a short excerpt', async () => {
      const high = Buffer.from(Array.from({ length: 4000 }, (_, i) => 0xa0 + (i % 96)));
      expectCleanProblem(await upload(high, 'high.csv'), 422);
    });
  });
});
