import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { commitmentIdForKey } from '@tracker/contracts';
import { mapLimit, type SeedClient, type Summary } from './client';
import { recommendationIdForKey } from './commitments';

/** One item of data/mali/assessments.json. */
export interface MaliAssessment {
  readonly key: string;
  readonly target: { readonly kind: 'recommendation' | 'commitment'; readonly key: string };
  readonly status: string;
  readonly assessedOn: string;
  readonly rationale?: string | null;
  readonly evidence: readonly {
    source: string;
    citation?: string | null;
    date: string | null;
    dateNote?: string | null;
    summary: string;
    quote?: string | null;
    link?: string | null;
  }[];
}

export const targetIdOf = (target: MaliAssessment['target']): string =>
  target.kind === 'commitment' ? commitmentIdForKey(target.key) : recommendationIdForKey(target.key);

/** The API's shape for one dataset assessment: back-dated by `assessedOn`, evidence quoted from the sources. */
export const recordAssessmentRequestOf = (item: MaliAssessment): Record<string, unknown> => ({
  target: { kind: item.target.kind, id: targetIdOf(item.target) },
  status: item.status,
  assessedOn: item.assessedOn,
  evidence: item.evidence.map((e) => ({
    source: e.source,
    citation: e.citation ?? null,
    date: e.date,
    dateNote: e.dateNote ?? null,
    summary: e.summary,
    link: e.link ?? null,
    quote: e.quote ?? null,
  })),
  note: item.rationale ?? null,
});

/**
 * Loads data/mali/assessments.json through `POST /api/assessments` (201 recorded, 200 unchanged). The
 * follow-up service learns of recommendations and commitments from Kafka, so a target seeded a moment
 * ago may not be known yet (404): such requests are retried for up to `waitMs`.
 */
export const seed = async (client: SeedClient, dataDir: string, waitMs = 60_000): Promise<Summary> => {
  const items = JSON.parse(
    await readFile(path.join(dataDir, 'assessments.json'), 'utf8'),
  ) as MaliAssessment[];
  let created = 0;
  let unchanged = 0;
  let failed = 0;
  const deadline = Date.now() + waitMs;
  await mapLimit(items, 4, async (item) => {
    for (;;) {
      const res = await client.request('POST', '/api/assessments', recordAssessmentRequestOf(item));
      if (res.status === 201) created += 1;
      else if (res.status === 200) unchanged += 1;
      else if (res.status === 404 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 250));
        continue;
      } else {
        failed += 1;
        client.log(`  assessment ${item.key}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      }
      return;
    }
  });
  return { context: 'assessments', read: items.length, created, unchanged, failed };
};
