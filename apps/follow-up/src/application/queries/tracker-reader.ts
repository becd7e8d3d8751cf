import { Inject, Injectable } from '@nestjs/common';
import type { Collection, Db, Document, Filter } from 'mongodb';
import type { Principal } from '@tracker/auth';
import type { TrackerQuery } from '@tracker/contracts';
import {
  allKeys,
  decodeKeysetCursor,
  encodeKeysetCursor,
  entityKey,
  MONGO_DB,
  queryTokens,
} from '@tracker/platform';
import { readSummaries } from '@tracker/projections';
import { TRACKER } from '../../infrastructure/tracker-item.projection';
import { linkOf, trackerSummaries, type TrackerTally } from '../../infrastructure/tracker-tally';
import {
  ALL,
  assessedList,
  BUCKET_TARGET,
  bucketKey,
  clusterList,
  entityList,
  institutionList,
  kindList,
  levelFor,
  mechanismList,
  orderOf,
  PUBLIC,
  staleList,
  statusList,
  themeList,
  WORD_LEVEL,
  wordList,
} from '../../infrastructure/tracker-keys';
import {
  answersOf,
  commitmentOverdueSince,
  unique,
  type CommitmentView,
  type Row,
  type TrackerAnswer,
} from './tracker-answers';

/** Buckets read at once while a page fills, and at most per request (a page may then come back short). */
const PARALLEL_READS = 4;
/** Buckets read first when their yield is unknown (a word, a cluster, several filters). */
const FIRST_PROBE = 2;
const MAX_READS = 12;
const SIZES_TTL_MS = 10_000;
/** Rows fetched by `_id` at once when a list is a known set of ids (overdue items). */
const PAGE_OF_IDS = 64;
/**
 * Cluster and word lists are not counted (there may be thousands): read at level 1, its 16 buckets at
 * once (a list of 2,000 items would give buckets of BUCKET_TARGET). Words carry only that level's keys.
 */
const CLUSTER_LEVEL = WORD_LEVEL;
const uncounted = (list: string): boolean => list.startsWith('cluster:') || list.startsWith('word:');

/** Where a page starts: after the item (order, id); id '' = from `order` on. */
interface Position {
  readonly order: string;
  readonly id: string;
}

const after = (row: Position, from: Position | null): boolean =>
  !from || row.order > from.order || (row.order === from.order && row.id > from.id);

const byPosition = (a: Position, b: Position): number =>
  a.order < b.order ? -1 : a.order > b.order ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** The bucket after `prefix` at the same level, or null past the last one. */
const nextPrefix = (prefix: string): string | null => {
  if (prefix === '') return null;
  const n = parseInt(prefix, 16) + 1;
  return n >= 16 ** prefix.length ? null : n.toString(16).padStart(prefix.length, '0');
};

interface Candidate extends Position {
  readonly row: Row;
}

const candidate = (row: Row): Candidate => ({ order: orderOf(row._id), id: row._id, row });

/**
 * Reads the tracker collection and joins recommendations with their commitments at read time, so the
 * links and "overdue" are right as of now whatever order the three topics delivered in. Every find is
 * an equality on `keys` or `_id` (libs/ferretdb/src/README.md; docs/adr/0008): a list is read
 * bucket by bucket (tracker-keys.ts) in the order of a hash of the item id; a page's links by `_id`
 * (a recommendation's claims, a commitment's list); what needs every commitment (a commitment's
 * themes, "overdue", the dashboard) comes from the tallies the projection keeps (TrackerTally).
 */
@Injectable()
export class TrackerReader {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get rows() {
    return this.db.collection<Row>(TRACKER);
  }

  /** visibility, for a row in hand: viewers see published recommendations only. */
  private visible(row: Row, principal: Principal): boolean {
    if (!row.known) return false;
    return principal.role !== 'viewer' || row.kind === 'commitment' || row.recommendation?.published === true;
  }

  /**
   * Rows by id, one `_id` equality each: FerretDB serves a top-level `_id` equality from its index but
   * evaluates `$in` and anything inside `$and` in Go over the whole collection (ADR 0005).
   */
  private async byIds(ids: readonly string[], principal: Principal): Promise<Row[]> {
    const rows = await Promise.all(ids.map((id) => this.rows.findOne({ _id: id })));
    return rows.filter((r): r is Row => r !== null && this.visible(r, principal));
  }

  async get(id: string, principal: Principal, now: Date): Promise<TrackerAnswer | null> {
    const [row] = await this.byIds([id], principal);
    if (!row) return null;
    const [answer] = await this.join([row], principal, now);
    return answer ?? null;
  }

  /** What the projection keeps beside the rows: counts, links, commitments (TrackerTally). */
  async tally(): Promise<TrackerTally> {
    const tally = await readSummaries(this.rows as unknown as Collection<Document>, trackerSummaries);
    this.sizes = { at: Date.now(), counts: tally.counts };
    return tally;
  }

  /**
   * List sizes, to pick the bucket level: only speed depends on them, so a reading up to SIZES_TTL_MS
   * old does (the summaries' top documents hold every link and commitment too: tens of ms to read).
   */
  private async listSizes(): Promise<TrackerTally['counts']> {
    const cached = this.sizes;
    return cached && Date.now() - cached.at < SIZES_TTL_MS ? cached.counts : (await this.tally()).counts;
  }

  private sizes: { readonly at: number; readonly counts: TrackerTally['counts'] } | null = null;

  /** Every commitment, with its links as the principal sees them and since when it is overdue. */
  commitments(principal: Principal, now: Date, tally: TrackerTally): CommitmentView[] {
    return Object.values(tally.commitments)
      .map((c) => {
        // The recommendations it lists that hold its claim (so they are known), as `principal` sees them.
        const recs = c.linkedRecommendationIds
          .map((id) => tally.links[linkOf(c.id, id)])
          .filter((r) => r !== undefined && (principal.role !== 'viewer' || r.published));
        return {
          commitment: c,
          themes: unique(recs.flatMap((r) => r!.themes)),
          clusters: unique(recs.flatMap((r) => (r!.cluster ? [r!.cluster] : []))),
          overdueSince: commitmentOverdueSince(c, now),
        };
      })
      .sort((a, b) => a.commitment.id.localeCompare(b.commitment.id));
  }

  async list(
    query: TrackerQuery,
    principal: Principal,
    now: Date,
  ): Promise<{ items: TrackerAnswer[]; nextCursor: string | null }> {
    const from = query.cursor ? decodeCursor(query.cursor) : null;
    // Keys every row of the answer carries; theme and cluster only on recommendations (a commitment's
    // come from its links and are matched below).
    const required = [
      principal.role === 'viewer' ? PUBLIC : ALL,
      ...(query.kind ? [kindList(query.kind)] : []),
      ...(query.status ? [statusList(query.status)] : []),
      ...(query.hasAssessment !== undefined ? [assessedList(query.hasAssessment)] : []),
      ...(query.stale !== undefined ? [staleList(query.stale)] : []),
      ...(query.mechanism ? [mechanismList(query.mechanism)] : []),
      ...(query.entity ? [entityList(entityKey(query.entity))] : []),
      ...(query.institution ? [institutionList(query.institution)] : []),
    ];
    // Every word of `q` must be in the row; a row holds its words' level-1 bucket keys only, so the
    // longest word (likely the rarest) may lead the walk and the others are checked on the rows read.
    const words = query.q ? queryTokens(query.q).map(wordList) : [];
    const hasWords = (row: Row): boolean => {
      const prefix = orderOf(row._id).slice(0, WORD_LEVEL);
      return words.every((w) => row.keys.includes(bucketKey(w, prefix)));
    };
    const leadWord = [...words].sort((a, b) => b.length - a.length)[0];
    const linkLists = [
      ...(query.theme ? [themeList(query.theme)] : []),
      ...(query.cluster ? [clusterList(query.cluster)] : []),
    ];
    // Only these filters depend on the commitments (a commitment's themes, "overdue").
    const commitments =
      linkLists.length > 0 || query.overdue !== undefined
        ? this.commitments(principal, now, await this.tally())
        : [];
    const overdue = new Set(
      commitments
        .filter((c) => c.overdueSince !== null)
        .flatMap((c) => [c.commitment.id, ...c.commitment.linkedRecommendationIds]),
    );
    // Commitments that match through their links: they are in no theme or cluster list themselves.
    const linkedMatches = new Set(
      linkLists.length === 0
        ? []
        : commitments
            .filter(
              (c) =>
                (!query.theme || c.themes.includes(query.theme)) &&
                (!query.cluster || c.clusters.includes(query.cluster)),
            )
            .map((c) => c.commitment.id),
    );
    const matches = (row: Row): boolean =>
      required.every((k) => row.keys.includes(k)) &&
      (linkedMatches.has(row._id) || linkLists.every((k) => row.keys.includes(k))) &&
      hasWords(row);
    const wanted = (c: Candidate): boolean =>
      (query.overdue === undefined || overdue.has(c.id) === query.overdue) && hasWords(c.row);
    // A theme or cluster must lead (commitments join it through their links); else a word of `q` may.
    const lead = linkLists[0] ?? leadWord ?? null;

    const { found, resumeAt } =
      query.overdue === true
        ? await this.pick([...overdue], from, query.limit, principal, matches)
        : await this.walk(
            await this.listSizes(),
            [...required, ...linkLists, ...(lead !== null && lead === leadWord ? [lead] : [])],
            lead,
            words.filter((w) => w !== lead),
            [...linkedMatches].map((id) => ({ order: orderOf(id), id })),
            (ids) => this.byIds(ids, principal).then((rows) => rows.filter(matches)),
            from,
            query.limit,
            wanted,
          );
    const page = found.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      found.length > query.limit && last
        ? encodeCursor({ order: last.order, id: last.id })
        : resumeAt
          ? encodeCursor(resumeAt)
          : null;
    return {
      items: await this.join(
        page.map((c) => c.row),
        principal,
        now,
      ),
      nextCursor,
    };
  }

  /**
   * Up to `limit` + 1 rows among a few known ids (the overdue items, the commitments a theme matches),
   * in list order after `from`: ids are ordered first, rows fetched by `_id` a page at a time.
   */
  private async pick(
    ids: readonly string[],
    from: Position | null,
    limit: number,
    principal: Principal,
    matches: (row: Row) => boolean,
  ): Promise<{ found: Candidate[]; resumeAt: null }> {
    const ordered = ids
      .map((id) => ({ order: orderOf(id), id }))
      .filter((p) => after(p, from))
      .sort(byPosition);
    const found: Candidate[] = [];
    for (let i = 0; i < ordered.length && found.length <= limit; i += PAGE_OF_IDS) {
      const rows = await this.byIds(
        ordered.slice(i, i + PAGE_OF_IDS).map((p) => p.id),
        principal,
      );
      found.push(...rows.filter(matches).map(candidate));
    }
    return { found, resumeAt: null };
  }

  /**
   * Up to limit + 1 rows holding every key of `keys`, after `from`, in list order: the most selective
   * list (by the tallies) is read bucket by bucket, the other keys stand beside it in `$and`; `extras`
   * (ids matched otherwise: commitments through their links) are fetched with the bucket their order
   * falls in. `words` (lists with level-1 buckets only) join the find of every bucket at level 1 or
   * deeper, so rows without them stay in the server. Stops after MAX_READS buckets (a cluster's 16) and
   * says where to resume.
   */
  private async walk(
    sizes: TrackerTally['counts'],
    keys: readonly string[],
    mustLead: string | null,
    words: readonly string[],
    extras: readonly Position[],
    fetchExtras: (ids: readonly string[]) => Promise<Row[]>,
    from: Position | null,
    limit: number,
    wanted: (c: Candidate) => boolean,
  ): Promise<{ found: Candidate[]; resumeAt: Position | null }> {
    const sizeOf = (k: string): number =>
      uncounted(k) ? 16 ** CLUSTER_LEVEL * BUCKET_TARGET : (sizes[`n|${k}`] ?? 0);
    // Extras (commitments matched by their links) are in no theme/cluster list: walk that list then.
    const lead = mustLead ?? [...keys].sort((a, b) => sizeOf(a) - sizeOf(b))[0]!;
    const others = keys.filter((k) => k !== lead);
    const level = levelFor(sizeOf(lead));
    const perBucket = Math.max(1, sizeOf(lead) / 16 ** level);
    const parallel = uncounted(lead) ? 16 ** CLUSTER_LEVEL : PARALLEL_READS;
    const maxReads = Math.max(MAX_READS, parallel);
    let prefix: string | null = (from?.order ?? '').slice(0, level).padEnd(level, '0');
    const found: Candidate[] = [];
    let reads = 0;
    // Without other filters a counted list's buckets hold `perBucket` rows each; otherwise the yield is
    // unknown until buckets are read: FIRST_PROBE of them, then as many as the yield so far says.
    const yieldKnown = others.length === 0 && words.length === 0 && !uncounted(lead);
    while (prefix !== null && found.length <= limit && reads < maxReads) {
      const need = limit + 1 - found.length;
      const perRead = reads === 0 ? 0 : found.length / reads;
      const n = yieldKnown
        ? Math.ceil(need / perBucket)
        : reads === 0
          ? FIRST_PROBE
          : perRead > 0
            ? Math.ceil((need / perRead) * 1.5)
            : parallel;
      const batch: string[] = [];
      for (
        ;
        prefix !== null && batch.length < Math.min(n, parallel, maxReads - reads);
        prefix = nextPrefix(prefix)
      )
        batch.push(prefix);
      reads += batch.length;
      const [buckets, extraRows] = await Promise.all([
        Promise.all(
          batch.map((b) => {
            const inBucket =
              b.length >= WORD_LEVEL ? words.map((w) => bucketKey(w, b.slice(0, WORD_LEVEL))) : [];
            return this.rows
              .find(allKeys([bucketKey(lead, b), ...others, ...inBucket]) as Filter<Row>)
              .toArray();
          }),
        ),
        fetchExtras(extras.filter((e) => batch.some((b) => e.order.startsWith(b))).map((e) => e.id)),
      ]);
      const extraCandidates = extraRows.map(candidate);
      batch.forEach((b, i) => {
        const inBucket = [
          ...(buckets[i] ?? []).map(candidate),
          ...extraCandidates.filter((c) => c.order.startsWith(b)),
        ];
        found.push(...inBucket.filter((c) => after(c, from) && wanted(c)).sort(byPosition));
      });
    }
    return { found, resumeAt: prefix === null ? null : { order: prefix, id: '' } };
  }

  /** Rows with their links, read by `_id` (tracker-answers.ts); links inside the page are not read again. */
  private join(rows: readonly Row[], principal: Principal, now: Date): Promise<TrackerAnswer[]> {
    const inPage = new Map(rows.map((r) => [r._id, r]));
    return answersOf(rows, now, async (ids) => [
      ...ids.flatMap((id) => {
        const row = inPage.get(id);
        return row && this.visible(row, principal) ? [row] : [];
      }),
      ...(await this.byIds(
        ids.filter((id) => !inPage.has(id)),
        principal,
      )),
    ]);
  }
}

/** Where the next page starts, in list order: an opaque keyset cursor of (order, id). */
const encodeCursor = (p: Position): string => encodeKeysetCursor(p.order, p.id);
const decodeCursor = (cursor: string): Position => {
  const [order, id] = decodeKeysetCursor(cursor, /^[0-9a-f]{0,40}$/);
  return { order, id };
};
