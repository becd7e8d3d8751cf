import type { Principal } from '@tracker/auth';
import type { TrackerFilter } from '@tracker/contracts';
import type { TableCell, TableColumn } from '@tracker/platform';
import type { TrackerAnswer } from './tracker-answers';
import type { TrackerReader } from './tracker-reader';

/** The export's columns: the tracker page's facts, one line per item, codes as the API names them. */
export const TRACKER_EXPORT_COLUMNS: readonly TableColumn[] = [
  { header: 'Id', width: 38 },
  { header: 'Kind', width: 15 },
  { header: 'Citation or title', width: 40 },
  { header: 'Text', width: 80 },
  { header: 'Text (fr)', width: 80 },
  { header: 'Status' },
  { header: 'Assessed on', width: 12 },
  { header: 'Assessments', width: 12 },
  { header: 'Mechanism' },
  { header: 'Recommending states or bodies', width: 30 },
  { header: 'Institutions', width: 30 },
  { header: 'Themes', width: 30 },
  { header: 'Clusters', width: 30 },
  { header: 'Commitment status' },
  { header: 'Due date', width: 12 },
  { header: 'Overdue since', width: 22 },
  { header: 'Stale since', width: 22 },
];

const list = (xs: readonly string[]): string => xs.join('; ');

export const trackerExportRow = (item: TrackerAnswer): TableCell[] => {
  const r = item.recommendation;
  const c = item.commitment;
  return [
    item.itemId,
    item.kind,
    r ? r.citation : (c?.title.en ?? ''),
    r ? r.text.en : (c?.text ?? ''),
    r ? r.text.fr : (c?.title.fr ?? null),
    item.assessmentStatus,
    item.latestAssessment?.assessedOn ?? null,
    item.assessmentCount,
    r?.mechanism ?? null,
    list(r?.recommendingEntities ?? []),
    list(c?.institutions ?? []),
    list(item.themes),
    list(item.clusters),
    c?.status ?? null,
    c?.dueDate ?? null,
    item.overdueSince,
    item.staleSince,
  ];
};

/** Pages read per export request: the tracker reads a bounded part of a list per page (ADR 0008). */
const EXPORT_PAGE = 200;

/**
 * Every item of the filtered view, in the tracker's order: the same pages `GET /api/tracker` serves,
 * followed to the end, so the file holds what the reader would page through (and what they may see).
 */
export async function* exportedTrackerRows(
  reader: TrackerReader,
  filter: TrackerFilter,
  principal: Principal,
  now: Date,
): AsyncGenerator<TableCell[]> {
  let cursor: string | undefined;
  do {
    const page = await reader.list(
      { ...filter, limit: EXPORT_PAGE, ...(cursor ? { cursor } : {}) },
      principal,
      now,
    );
    for (const item of page.items) yield trackerExportRow(item);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}
