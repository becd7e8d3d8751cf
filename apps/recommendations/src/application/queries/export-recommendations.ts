import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Db } from 'mongodb';
import type { CatalogueEntry } from '../../infrastructure/recommendation-catalogue.projection';
import { EXPORT_COLUMNS, type ExportColumn } from '../../infrastructure/import/columns';
import { matches, type CatalogueRow, type CataloguePlan, type SortSpec } from './catalogue-filter';
import { stripRow } from './list-recommendations.query';

type Cell = string | number | Date;

const lines = (xs: readonly string[]): string => xs.map((x) => `- ${x}`).join('\n');

/**
 * One catalogue entry as a row of UHRI's columns plus the Tracker's own: exactly what the importer
 * reads back into the same recommendation (the round trip is tested).
 */
export const exportRow = (e: CatalogueEntry, dates: 'date' | 'iso'): Record<ExportColumn, Cell> => ({
  Text: e.text.en,
  'Countries Concerned': '',
  'Reccomending Body': e.mechanism === 'upr' ? '' : lines(e.recommendingEntities),
  'Document Symbol': e.document.symbol ?? '',
  Themes: lines(e.themes),
  'Affected Persons': lines(e.affectedGroups),
  Sdgs: lines(e.sdgTargets),
  // A day-precise date is a real date cell (what UHRI has); a year or month stays text, as the source gave it.
  'Document Publication Date':
    dates === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(e.document.date)
      ? new Date(`${e.document.date}T00:00:00Z`)
      : e.document.date,
  'UPR Reccomending States': e.mechanism === 'upr' ? lines(e.recommendingEntities) : '',
  'UPR Position': e.position?.value ?? '',
  Type: e.mechanism,
  'OHCHR Annotation Id': '',
  'UPR Session': e.upr?.session ?? '',
  'External Key': e.externalKey ?? '',
  Mechanism: e.mechanism,
  Citation: e.document.citation,
  Paragraph: e.document.paragraph ?? '',
  'Text (fr)': e.text.fr ?? '',
  'UPR Cycle': e.upr?.cycle ?? '',
  'Position Date': e.position?.date ?? '',
  'Position Source': e.position?.source ?? '',
  Cluster: e.clusterKey ?? '',
  Published: e.published ? 'yes' : 'no',
});

const csvField = (v: Cell): string => {
  const s = v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Rows fetched by `_id` in parallel per window: the whole catalogue in ~20,000 / 64 round trips. */
const EXPORT_WINDOW = 64;

/** Every row the plan matches, in order: the index orders them, the rows are fetched as written out. */
export async function* exportedRows(
  db: Db,
  plan: CataloguePlan,
  spec: SortSpec,
): AsyncGenerator<CatalogueRow> {
  for await (const { row } of matches(db, plan, spec, null, EXPORT_WINDOW)) yield row;
}

/** Streams the filtered catalogue as CSV (UTF-8, CRLF), honouring the response's backpressure. */
export const writeCsv = async (out: Writable, rows: AsyncIterable<CatalogueRow>): Promise<number> => {
  const write = async (line: string): Promise<void> => {
    if (!out.write(line)) await once(out, 'drain');
  };
  await write(`${EXPORT_COLUMNS.map(csvField).join(',')}\r\n`);
  let n = 0;
  for await (const row of rows) {
    const r = exportRow(stripRow(row), 'iso');
    await write(`${EXPORT_COLUMNS.map((c) => csvField(r[c])).join(',')}\r\n`);
    n += 1;
  }
  out.end();
  return n;
};

/** Streams the filtered catalogue as an XLSX workbook (exceljs streaming writer: rows are committed as written). */
export const writeXlsx = async (out: Writable, rows: AsyncIterable<CatalogueRow>): Promise<number> => {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Recommendations');
  sheet.columns = EXPORT_COLUMNS.map((c) => ({
    header: c,
    key: c,
    width: c === 'Text' || c === 'Text (fr)' ? 80 : 20,
    ...(c === 'Document Publication Date' ? { style: { numFmt: 'yyyy-mm-dd' } } : {}),
  }));
  let n = 0;
  for await (const row of rows) {
    sheet.addRow(exportRow(stripRow(row), 'date')).commit();
    n += 1;
  }
  sheet.commit();
  await workbook.commit();
  return n;
};
