import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit, type SeedClient, type Summary } from './client';

/** One item of data/mali/recommendations.json (fields the API does not take are left out). */
export interface MaliRecommendation {
  readonly key: string;
  readonly mechanism: string;
  readonly recommendingEntity: string;
  readonly document: {
    readonly symbol: string | null;
    readonly paragraph: string | null;
    readonly citation: string;
    readonly date: string | null;
    readonly dateNote?: string;
  };
  readonly upr: { readonly cycle: number; readonly session: number | null } | null;
  readonly text: { readonly en: string; readonly fr: string | null };
  readonly themes: readonly string[];
  readonly affectedGroups: readonly string[];
  readonly sdgTargets: readonly string[];
  readonly position: {
    readonly value: string;
    readonly date: string | null;
    readonly citation?: string | null;
  } | null;
  readonly cluster: string | null;
}

/** The API's create shape for one dataset item: its key is the natural key, so seeding is idempotent. */
export const createRequestOf = (item: MaliRecommendation): Record<string, unknown> => ({
  externalKey: item.key,
  mechanism: item.mechanism,
  recommendingEntities: [item.recommendingEntity],
  document: {
    symbol: item.document.symbol,
    paragraph: item.document.paragraph,
    citation: item.document.citation,
    // An undated item keeps the year its source attests ("reported in 2023"), never an invented day.
    date: item.document.date ?? /\b(19|20)\d{2}\b/.exec(item.document.dateNote ?? '')?.[0] ?? null,
  },
  ...(item.upr ? { upr: { cycle: item.upr.cycle, session: item.upr.session } } : {}),
  text: { en: item.text.en, fr: item.text.fr },
  themes: item.themes,
  affectedGroups: item.affectedGroups,
  sdgTargets: item.sdgTargets,
  ...(item.position
    ? {
        position: {
          value: item.position.value,
          date: item.position.date,
          source: item.position.citation ?? null,
        },
      }
    : {}),
  ...(item.cluster ? { clusterKey: item.cluster } : {}),
  published: true,
});

/** Loads data/mali/recommendations.json through `POST /api/recommendations` (201 created, 200 unchanged). */
export const seed = async (client: SeedClient, dataDir: string): Promise<Summary> => {
  const items = JSON.parse(
    await readFile(path.join(dataDir, 'recommendations.json'), 'utf8'),
  ) as MaliRecommendation[];
  let created = 0;
  let unchanged = 0;
  let failed = 0;
  let done = 0;
  await mapLimit(items, 8, async (item) => {
    const res = await client.request('POST', '/api/recommendations', createRequestOf(item));
    if (res.status === 201) created += 1;
    else if (res.status === 200) unchanged += 1;
    else {
      failed += 1;
      client.log(`  recommendation ${item.key}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    }
    done += 1;
    if (done % 20 === 0 || done === items.length) client.log(`  recommendations: ${done}/${items.length}`);
  });
  return { context: 'recommendations', read: items.length, created, unchanged, failed };
};
