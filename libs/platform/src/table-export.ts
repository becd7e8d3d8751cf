import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';

export type TableCell = string | number | null;
export const TABLE_FORMATS = ['csv', 'xlsx'] as const;
export type TableFormat = (typeof TABLE_FORMATS)[number];
export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface TableColumn {
  readonly header: string;
  /** Column width in the workbook (characters). */
  readonly width?: number;
}

/**
 * Streams rows as CSV (csv-stringify: UTF-8 with a BOM so spreadsheet programs read accents, CRLF, a
 * header row) or as an XLSX workbook (exceljs' streaming writer: rows are committed as written), with
 * the response's backpressure honoured. Answers how many rows were written.
 */
export const writeTable = async (
  out: Writable,
  format: TableFormat,
  sheet: string,
  columns: readonly TableColumn[],
  rows: AsyncIterable<readonly TableCell[]>,
): Promise<number> => {
  let n = 0;
  if (format === 'csv') {
    const csv = stringify({
      bom: true,
      record_delimiter: 'windows',
      header: true,
      columns: columns.map((c) => c.header),
    });
    csv.pipe(out);
    for await (const row of rows) {
      if (!csv.write(row.map((c) => c ?? ''))) await once(csv, 'drain');
      n += 1;
    }
    csv.end();
    await once(out, 'finish');
    return n;
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const worksheet = workbook.addWorksheet(sheet);
  worksheet.columns = columns.map((c, i) => ({ header: c.header, key: String(i), width: c.width ?? 20 }));
  for await (const row of rows) {
    worksheet.addRow(row.map((c) => c ?? '')).commit();
    n += 1;
  }
  worksheet.commit();
  await workbook.commit();
  return n;
};
