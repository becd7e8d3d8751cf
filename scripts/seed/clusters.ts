import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { mapLimit, type SeedClient, type Summary } from './client';

/** One item of data/mali/clusters.json: the secretariat's title of a cluster ("same ask"). */
export interface MaliCluster {
  readonly key: string;
  readonly title: { readonly en: string; readonly fr: string };
}

/**
 * Titles every cluster of data/mali/clusters.json through `PUT /api/recommendations/clusters/:key`.
 * No If-Match: the seed replaces whatever title is there, and the same title again appends nothing
 * (`changed: false`), so a second run counts every cluster unchanged.
 */
export const seed = async (client: SeedClient, dataDir: string): Promise<Summary> => {
  const clusters = JSON.parse(await readFile(path.join(dataDir, 'clusters.json'), 'utf8')) as MaliCluster[];
  let created = 0;
  let unchanged = 0;
  let failed = 0;
  await mapLimit(clusters, 8, async (cluster) => {
    const res = await client.request('PUT', `/api/recommendations/clusters/${cluster.key}`, {
      title: { en: cluster.title.en, fr: cluster.title.fr },
    });
    const changed = (res.body as { changed?: unknown } | null)?.changed;
    if (res.status === 200 && changed === true) created += 1;
    else if (res.status === 200 && changed === false) unchanged += 1;
    else {
      failed += 1;
      client.log(`  cluster ${cluster.key}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
    }
  });
  return { context: 'clusters', read: clusters.length, created, unchanged, failed };
};
