import fs from 'node:fs';
import path from 'node:path';

/** The four research CSVs of test/fixtures/upr-2008-2011 (19,891 records), in import order. */
const FIXTURES = path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'upr-2008-2011');
export const RESEARCH_YEARS = ['2008', '2009', '2010', '2011'] as const;

export interface ImportReport {
  readonly read: number;
  readonly created: number;
  readonly unchanged: number;
  readonly rejected: readonly unknown[];
}

/** Uploads one year's CSV to `POST <baseUrl>/api/recommendations/import` (a service or the gateway). */
export const importResearchCsv = async (
  baseUrl: string,
  token: string,
  year: (typeof RESEARCH_YEARS)[number],
): Promise<ImportReport> => {
  const form = new FormData();
  const bytes = fs.readFileSync(path.join(FIXTURES, `${year}.csv`));
  form.append('file', new Blob([bytes], { type: 'text/csv' }), `${year}.csv`);
  const res = await fetch(`${baseUrl}/api/recommendations/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  if (res.status !== 200)
    throw new Error(`import of ${year}.csv answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as ImportReport;
};

/**
 * Events a service's projection has handled (`tracker_projection_events_total{projection="…"}`), read
 * from its /metrics rather than by counting the read model: on FerretDB a count decodes every document,
 * and polling one slowed the read model it watched (bench/import/README.md). 0 when it does not answer.
 */
export const projectionEventsHandled = async (serviceUrl: string, projection: string): Promise<number> => {
  try {
    const res = await fetch(`${serviceUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
    const prefix = `tracker_projection_events_total{projection="${projection}"`;
    return (await res.text())
      .split('\n')
      .filter((l) => l.startsWith(prefix))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  } catch {
    return 0; // too busy to answer: no reading this time
  }
};
