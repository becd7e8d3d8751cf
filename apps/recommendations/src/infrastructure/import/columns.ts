import { foldText, printable } from '@tracker/platform';

/**
 * Column headers of OHCHR's Universal Human Rights Index (UHRI) export, spelled as UHRI spells them
 * (`Reccomending`), then the Tracker's own columns, which UHRI lacks and which make an export re-import
 * to exactly the same recommendations. The export writes these headers; the importer accepts them
 * in any order and case, misspelt or not.
 */
export const UHRI_COLUMNS = [
  'Text',
  'Countries Concerned',
  'Reccomending Body',
  'Document Symbol',
  'Themes',
  'Affected Persons',
  'Sdgs',
  'Document Publication Date',
  'UPR Reccomending States',
  'UPR Position',
  'Type',
  'OHCHR Annotation Id',
  'UPR Session',
] as const;

export const TRACKER_COLUMNS = [
  'External Key',
  'Mechanism',
  'Citation',
  'Paragraph',
  'Text (fr)',
  'UPR Cycle',
  'Position Date',
  'Position Source',
  'Cluster',
  'Published',
] as const;

export const EXPORT_COLUMNS = [...UHRI_COLUMNS, ...TRACKER_COLUMNS] as const;
export type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** `Reccomending Body` → `recommending body`; `Text (fr)` → `text fr`. */
export const normaliseHeader = (h: string): string =>
  foldText(h)
    .replace(/rec+om+end/g, 'recommend')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();

export const RESEARCH_COLUMNS = ['text', 'to', 'decision', 'from', 'year'] as const;

export type TableKind = 'uhri' | 'research';

export class UnrecognisedHeadersError extends Error {}

/**
 * A short printable excerpt of a header row for an error message: the first 10 names, 40 characters
 * each at most, controls and invalid sequences masked (the row may be a binary file's first bytes).
 */
const foundHeaders = (headers: readonly string[]): string => {
  const names = headers.filter(Boolean);
  const shown = names.slice(0, 10).map((h) => printable(h, 40));
  return shown.length === 0 ? 'nothing' : `${shown.join(', ')}${names.length > 10 ? ', …' : ''}`;
};

/** Which table a header row belongs to; throws naming what is missing when it is neither. */
export const tableKindOf = (headers: readonly string[]): TableKind => {
  const have = new Set(headers.map(normaliseHeader));
  if (RESEARCH_COLUMNS.every((c) => have.has(c))) return 'research';
  const uhriRequired = ['text', 'document symbol'];
  const missing = uhriRequired.filter((c) => !have.has(c));
  const hasRecommender = have.has('recommending body') || have.has('upr recommending states');
  if (missing.length === 0 && hasRecommender) return 'uhri';
  const named = [
    ...missing.map((m) => UHRI_COLUMNS.find((c) => normaliseHeader(c) === m) ?? m),
    ...(hasRecommender ? [] : ['Reccomending Body or UPR Reccomending States']),
  ];
  throw new UnrecognisedHeadersError(
    `the header row is neither UHRI's export (missing ${named.join(', ')}) nor the research CSV (${RESEARCH_COLUMNS.join(',')}); found: ${foundHeaders(headers)}`,
  );
};
