import type { Collection } from 'mongodb';
import type { StoredEvent } from '@tracker/contracts';
import {
  eventsOf,
  POSITION_PAGE,
  type CommitDocument,
  type FirstDayDocument,
  type HeadDocument,
} from './commit-document';

/**
 * How readers find positioned events and the head without a range, a sort or a limit on the server
 * (ADR 0005): commits list the position pages they span (`pages`, `firstPage`), the applied head and the
 * first day are documents beside the commits. Used by MongoEventStore and the audit reads.
 */

/** The positioned events of these commits in (after, upTo], in position order. */
const eventsIn = (docs: Iterable<CommitDocument>, after: number, upTo: number): StoredEvent[] =>
  [...docs]
    .filter((c) => c.position !== undefined && (c.lastPosition ?? 0) > after && c.position <= upTo)
    .sort((x, y) => (x.position ?? 0) - (y.position ?? 0))
    .flatMap(eventsOf)
    .filter((e): e is StoredEvent => e.position !== null && e.position > after && e.position <= upTo);

/**
 * Positioned events in (after, after + limit], in position order. The commits holding them are exactly
 * those listing one of the pages that range covers: one equality query per page, no range, no
 * server-side sort or limit (ADR 0005).
 */
export const readPositioned = async (
  commits: Collection<CommitDocument>,
  after: number,
  limit: number,
): Promise<StoredEvent[]> => {
  const first = Math.floor((after + 1) / POSITION_PAGE);
  const last = Math.floor((after + limit) / POSITION_PAGE);
  const byId = new Map<string, CommitDocument>();
  const pages = await Promise.all(
    Array.from({ length: last - first + 1 }, (_, k) => commits.find({ pages: first + k }).toArray()),
  );
  for (const page of pages) for (const c of page) byId.set(c._id, c);
  return eventsIn(byId.values(), after, after + limit);
};

/**
 * Every positioned event in (after, upTo], in position order, in batches of about `batchSize`: a
 * sequential reader for rebuilds and exports. Unlike successive readPositioned calls (which fetch a
 * commit once for every page it spans, and the page at each batch boundary twice) it fetches every
 * commit exactly once: the commits spanning the first page, then those whose `firstPage` is each
 * following page. A few pages are requested ahead, so the server works while the caller folds.
 */
export async function* scanPositioned(
  commits: Collection<CommitDocument>,
  after: number,
  upTo: number,
  batchSize: number,
): AsyncGenerator<StoredEvent[]> {
  const firstPage = Math.floor((after + 1) / POSITION_PAGE);
  const lastPage = Math.floor(upTo / POSITION_PAGE);
  const ahead = Math.min(8, Math.max(1, Math.ceil(batchSize / POSITION_PAGE)));
  const fetch = (page: number): Promise<CommitDocument[]> =>
    (page === firstPage ? commits.find({ pages: page }) : commits.find({ firstPage: page })).toArray();
  const queued: Promise<CommitDocument[]>[] = [];
  let nextPage = firstPage;
  let out: StoredEvent[] = [];
  try {
    while (queued.length > 0 || nextPage <= lastPage) {
      while (queued.length < ahead && nextPage <= lastPage) queued.push(fetch(nextPage++));
      const docs = await queued.shift()!;
      for (const e of eventsIn(docs, after, upTo)) out.push(e);
      if (out.length >= batchSize) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  } finally {
    // A consumer that stopped early leaves no rejected read-ahead behind.
    for (const q of queued) void q.catch(() => undefined);
  }
}

/** The applied head and the first-day document live beside the commits, in `<events>.head`. */
export const headCollectionName = (commits: Collection<CommitDocument>): string =>
  `${commits.collectionName}.head`;

export const firstDayCollection = (commits: Collection<CommitDocument>): Collection<FirstDayDocument> =>
  commits.db.collection<FirstDayDocument>(headCollectionName(commits));

/** The first UTC day the store has a commit of (null when empty): bounds audit time filters. */
export const firstRecordedDay = async (commits: Collection<CommitDocument>): Promise<string | null> =>
  (await firstDayCollection(commits).findOne({ _id: 'first-day' }))?.day ?? null;

/** Whether any commit lists position page `page`. */
const pageUsed = async (commits: Collection<CommitDocument>, page: number): Promise<boolean> =>
  (await commits.findOne({ pages: page }, { projection: { _id: 1 } })) !== null;

/**
 * Highest assigned position. Pages are used contiguously from 0, so the last used page is found with
 * a few dozen equality probes (doubling, then bisection) instead of a scan of every commit.
 */
export const probeHeadPosition = async (commits: Collection<CommitDocument>): Promise<number> => {
  if (!(await pageUsed(commits, 0))) return 0;
  let low = 0; // used
  let high = 1;
  while (await pageUsed(commits, high)) {
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (await pageUsed(commits, mid)) low = mid;
    else high = mid;
  }
  const last = await commits.find({ pages: low }, { projection: { lastPosition: 1 } }).toArray();
  return last.reduce((max, c) => Math.max(max, c.lastPosition ?? 0), 0);
};

/**
 * The highest position readers may see: the applied head the relay records (one `_id` lookup), probed
 * from the pages for a store that has no head document (a bare collection of commits).
 */
export const visibleHeadPosition = async (commits: Collection<CommitDocument>): Promise<number> => {
  const head = await commits.db
    .collection<HeadDocument>(headCollectionName(commits))
    .findOne({ _id: 'applied' });
  return head ? head.position : probeHeadPosition(commits);
};
