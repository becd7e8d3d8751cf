import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { v5 as uuidv5 } from 'uuid';
import { mapLimit, type SeedClient, type Summary } from './client';

/**
 * The recommendations service derives ids from dataset keys with this namespace (see
 * recommendationIdFor in apps/recommendations); duplicated here because a script never imports an app.
 */
const RECOMMENDATION_KEY_NAMESPACE = '6f1c1a52-4b7e-4f0e-9a51-2f7d3c2b9e10';
export const recommendationIdForKey = (key: string): string => uuidv5(key, RECOMMENDATION_KEY_NAMESPACE);

/** One item of data/mali/commitments.json (fields the API does not take are left out). */
export interface MaliCommitment {
  readonly key: string;
  readonly title: { readonly en: string; readonly fr: string | null };
  readonly text: string;
  readonly basisNote?: string | null;
  readonly sourceQuotes?: readonly { source: string; citation: string; quote: string }[];
  readonly madeAt: { forum: string; date: string | null; dateNote?: string | null; citation: string };
  readonly institutions: readonly string[];
  readonly dueDate: string;
  readonly dueDateKind: 'sourced' | 'secretariat-target';
  readonly dueDateNote?: string | null;
  readonly linkedRecommendations: readonly string[];
}

/** The API's create shape for one dataset item: its key is the natural key, so seeding is idempotent. */
export const createCommitmentRequestOf = (item: MaliCommitment): Record<string, unknown> => ({
  externalKey: item.key,
  title: { en: item.title.en, fr: item.title.fr },
  text: item.text,
  madeAt: {
    forum: item.madeAt.forum,
    date: item.madeAt.date,
    dateNote: item.madeAt.dateNote ?? null,
    citation: item.madeAt.citation,
  },
  basisNote: item.basisNote ?? null,
  sourceQuotes: item.sourceQuotes ?? [],
  institutions: item.institutions,
  dueDate: item.dueDate,
  dueDateKind: item.dueDateKind,
  dueDateNote: item.dueDateNote ?? null,
  linkedRecommendationIds: item.linkedRecommendations.map(recommendationIdForKey),
});

/** Loads data/mali/commitments.json through `POST /api/commitments` (201 created, 200 unchanged). */
export const seed = async (client: SeedClient, dataDir: string): Promise<Summary> => {
  const items = JSON.parse(
    await readFile(path.join(dataDir, 'commitments.json'), 'utf8'),
  ) as MaliCommitment[];
  let created = 0;
  let unchanged = 0;
  let failed = 0;
  await mapLimit(items, 4, async (item) => {
    const res = await client.request('POST', '/api/commitments', createCommitmentRequestOf(item));
    if (res.status === 201) created += 1;
    else if (res.status === 200) unchanged += 1;
    else {
      failed += 1;
      client.log(`  commitment ${item.key}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    }
  });
  return { context: 'commitments', read: items.length, created, unchanged, failed };
};
