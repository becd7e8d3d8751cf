import { Inject, Injectable } from '@nestjs/common';
import type { Collection, Db, Document, Filter } from 'mongodb';
import type { Principal } from '@tracker/auth';
import type { CommitmentStatus, TrackerQuery } from '@tracker/contracts';
import { allKeys, badRequest, MONGO_DB } from '@tracker/platform';
import { readSummaries, withoutMeta, type ReadModelDocument } from '@tracker/projections';
import {
  TRACKER,
  trackerSummaries,
  type TrackedCommitment,
  type TrackedRecommendation,
  type TrackerItem,
  type TrackerTally,
} from '../../infrastructure/tracker-item.projection';
import {
  ALL,
  assessedList,
  BUCKET_TARGET,
  bucketKey,
  clusterList,
  kindList,
  levelFor,
  linkedKey,
  orderOf,
  PUBLIC,
  statusList,
  themeList,
} from '../../infrastructure/tracker-keys';

type Row = ReadModelDocument<TrackerItem>;

export interface LinkedCommitmentSummary {
  readonly id: string;
  readonly title: { en: string; fr: string | null };
  readonly dueDate: string;
  readonly dueDateKind: string;
  readonly status: CommitmentStatus;
  readonly overdue: boolean;
  readonly overdueSince: string | null;
}

export interface LinkedRecommendationSummary {
  readonly id: string;
  readonly citation: string;
  readonly themes: readonly string[];
  readonly clusterKey: string | null;
  readonly position: string | null;
}

/** A tracker row as the API answers it: the row joined with its links, "overdue" judged as of `asOf`. */
export interface TrackerAnswer extends Omit<TrackerItem, 'known' | 'commitment'> {
  readonly commitment: (TrackedCommitment & { overdue: boolean; overdueSince: string | null }) | null;
  /** The recommendation's themes, or for a commitment those of its linked recommendations. */
  readonly themes: readonly string[];
  readonly clusters: readonly string[];
  readonly linkedCommitments: readonly LinkedCommitmentSummary[];
  readonly linkedRecommendations: readonly LinkedRecommendationSummary[];
  /** A commitment overdue, or a recommendation with an overdue linked commitment. */
  readonly overdue: boolean;
  /** Earliest due instant among what makes it overdue. */
  readonly overdueSince: string | null;
}

const OPEN: CommitmentStatus[] = ['open', 'lapsed'];

export const commitmentOverdueSince = (
  c: Pick<TrackedCommitment, 'status' | 'dueAt'>,
  now: Date,
): string | null => (OPEN.includes(c.status) && Date.parse(c.dueAt) <= now.getTime() ? c.dueAt : null);

const earliest = (xs: readonly (string | null)[]): string | null =>
  xs.filter((x): x is string => x !== null).sort()[0] ?? null;

const unique = (xs: readonly string[]): string[] => [...new Set(xs)].sort();

/** Buckets read at once while a page fills, and at most per request (a page may then come back short). */
const PARALLEL_READS = 4;
const MAX_READS = 12;
/** Cluster lists are not counted (there may be thousands): read at the level of a list this long. */
const CLUSTER_SIZE_GUESS = 16 * BUCKET_TARGET;

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
 * an equality on `keys` or `_id` (libs/platform/src/ferretdb/README.md; docs/adr/0008): a list is read
 * bucket by bucket (tracker-keys.ts) in the order of a hash of the item id; what depends on the
 * commitments (a commitment's themes, "overdue") is worked out from the commitments, which are few (a
 * state's own, hundreds), read by their `kind:commitment` key.
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

  /** The counts the projection keeps (dashboard, list sizes): `n|<list>` staff, `v|<list>` viewers. */
  tally(): Promise<TrackerTally> {
    return readSummaries(this.rows as unknown as Collection<Document>, trackerSummaries);
  }

  /** Every commitment the principal sees, joined (with its themes, clusters and "overdue" as of now). */
  async commitments(principal: Principal, now: Date): Promise<TrackerAnswer[]> {
    const rows = await this.rows.find({ keys: kindList('commitment') }).toArray();
    return this.join(
      rows.filter((r) => this.visible(r, principal)),
      principal,
      now,
    );
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
    ];
    const linkLists = [
      ...(query.theme ? [themeList(query.theme)] : []),
      ...(query.cluster ? [clusterList(query.cluster)] : []),
    ];
    const needsCommitments = linkLists.length > 0 || query.overdue !== undefined;
    const commitments = needsCommitments ? await this.commitments(principal, now) : [];
    const overdue = new Set(
      commitments
        .filter((c) => c.overdue)
        .flatMap((c) => [c.itemId, ...(c.commitment?.linkedRecommendationIds ?? [])]),
    );
    const hasKeys = (row: Row): boolean => required.every((k) => row.keys.includes(k));
    // Commitments that match through their links: they are in no theme or cluster list themselves.
    const linkedMatches = new Map(
      linkLists.length === 0
        ? []
        : commitments
            .filter(
              (c) =>
                (!query.theme || c.themes.includes(query.theme)) &&
                (!query.cluster || c.clusters.includes(query.cluster)),
            )
            .map((c) => [c.itemId, c] as const),
    );
    const wanted = (c: Candidate): boolean =>
      query.overdue === undefined || overdue.has(c.id) === query.overdue;

    let found: Candidate[];
    let resumeAt: Position | null;
    if (query.overdue === true) {
      // Overdue items are few (the overdue commitments and their recommendations): fetch them by id.
      const rows = await this.byIds([...overdue], principal);
      found = rows
        .filter(
          (r) =>
            hasKeys(r) &&
            (linkLists.length === 0 ||
              linkedMatches.has(r._id) ||
              linkLists.every((k) => r.keys.includes(k))),
        )
        .map(candidate)
        .filter((c) => after(c, from))
        .sort(byPosition);
      resumeAt = null;
    } else {
      const extras = (await this.byIds([...linkedMatches.keys()], principal))
        .filter(hasKeys)
        .map(candidate)
        .filter((c) => after(c, from));
      ({ found, resumeAt } = await this.walk(
        [...required, ...linkLists],
        linkLists.length > 0 ? linkLists[0]! : null,
        extras,
        from,
        query.limit,
        wanted,
      ));
    }
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
   * Up to limit + 1 rows holding every key of `keys`, after `from`, in list order: the most selective
   * list (by the tallies) is read bucket by bucket, the other keys stand beside it in `$and`; `extras`
   * (rows matched otherwise) join in the bucket their order falls in. Stops after MAX_READS buckets
   * and says where to resume.
   */
  private async walk(
    keys: readonly string[],
    mustLead: string | null,
    extras: readonly Candidate[],
    from: Position | null,
    limit: number,
    wanted: (c: Candidate) => boolean,
  ): Promise<{ found: Candidate[]; resumeAt: Position | null }> {
    const tally = await this.tally();
    const sizeOf = (k: string): number =>
      k.startsWith('cluster:') ? CLUSTER_SIZE_GUESS : (tally[`n|${k}`] ?? 0);
    // Extras (commitments matched by their links) are in no theme/cluster list: walk that list then.
    const lead = mustLead ?? [...keys].sort((a, b) => sizeOf(a) - sizeOf(b))[0]!;
    const others = keys.filter((k) => k !== lead);
    const level = levelFor(sizeOf(lead));
    const perBucket = Math.max(1, sizeOf(lead) / 16 ** level);
    let prefix: string | null = (from?.order ?? '').slice(0, level).padEnd(level, '0');
    const found: Candidate[] = [];
    let reads = 0;
    while (prefix !== null && found.length <= limit && reads < MAX_READS) {
      const need = limit + 1 - found.length;
      const batch: string[] = [];
      const n = others.length > 0 ? PARALLEL_READS : Math.min(PARALLEL_READS, Math.ceil(need / perBucket));
      for (; prefix !== null && batch.length < Math.min(n, MAX_READS - reads); prefix = nextPrefix(prefix))
        batch.push(prefix);
      reads += batch.length;
      const buckets = await Promise.all(
        batch.map((b) => this.rows.find(allKeys([bucketKey(lead, b), ...others]) as Filter<Row>).toArray()),
      );
      batch.forEach((b, i) => {
        const inBucket = [
          ...(buckets[i] ?? []).map(candidate),
          ...extras.filter((c) => c.order.startsWith(b)),
        ];
        found.push(...inBucket.filter((c) => after(c, from) && wanted(c)).sort(byPosition));
      });
    }
    return { found, resumeAt: prefix === null ? null : { order: prefix, id: '' } };
  }

  private async join(rows: readonly Row[], principal: Principal, now: Date): Promise<TrackerAnswer[]> {
    const recIds = rows.filter((r) => r.kind === 'recommendation').map((r) => r._id);
    const linkedRecIds = unique(rows.flatMap((r) => r.commitment?.linkedRecommendationIds ?? []));
    const [linked, recommendations] = await Promise.all([
      Promise.all(recIds.map((id) => this.rows.find({ keys: linkedKey(id) }).toArray())),
      this.byIds(linkedRecIds, principal),
    ]);
    const commitments = [...new Map(linked.flat().map((c) => [c._id, c])).values()];
    const recById = new Map<string, TrackedRecommendation>();
    for (const r of recommendations) if (r.recommendation) recById.set(r._id, r.recommendation);
    const commitmentsOf = new Map<string, LinkedCommitmentSummary[]>();
    for (const row of commitments) {
      const c = row.commitment;
      if (!c) continue;
      const since = commitmentOverdueSince(c, now);
      const summary: LinkedCommitmentSummary = {
        id: c.id,
        title: c.title,
        dueDate: c.dueDate,
        dueDateKind: c.dueDateKind,
        status: c.status,
        overdue: since !== null,
        overdueSince: since,
      };
      for (const recId of c.linkedRecommendationIds)
        commitmentsOf.set(recId, [...(commitmentsOf.get(recId) ?? []), summary]);
    }
    return rows.map((doc) => {
      const { known: _k, commitment, ...row } = withoutMeta(doc);
      if (row.kind === 'recommendation') {
        const linked = (commitmentsOf.get(row.itemId) ?? []).sort((a, b) =>
          a.dueDate.localeCompare(b.dueDate),
        );
        const since = earliest(linked.map((l) => l.overdueSince));
        return {
          ...row,
          commitment: null,
          themes: row.recommendation?.themes ?? [],
          clusters: row.recommendation?.clusterKey ? [row.recommendation.clusterKey] : [],
          linkedCommitments: linked,
          linkedRecommendations: [],
          overdue: since !== null,
          overdueSince: since,
        };
      }
      const linkedRecs: LinkedRecommendationSummary[] = (commitment?.linkedRecommendationIds ?? []).flatMap(
        (id) => {
          const r = recById.get(id);
          return r
            ? [{ id, citation: r.citation, themes: r.themes, clusterKey: r.clusterKey, position: r.position }]
            : [];
        },
      );
      const since = commitment ? commitmentOverdueSince(commitment, now) : null;
      return {
        ...row,
        commitment: commitment ? { ...commitment, overdue: since !== null, overdueSince: since } : null,
        themes: unique(linkedRecs.flatMap((r) => r.themes)),
        clusters: unique(linkedRecs.flatMap((r) => (r.clusterKey ? [r.clusterKey] : []))),
        linkedCommitments: [],
        linkedRecommendations: linkedRecs,
        overdue: since !== null,
        overdueSince: since,
      };
    });
  }
}

/** A cursor is opaque to clients: where the next page starts, in list order. */
const encodeCursor = (p: Position): string =>
  Buffer.from(JSON.stringify([p.order, p.id])).toString('base64url');
const decodeCursor = (cursor: string): Position => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      /^[0-9a-f]{0,40}$/.test(v[0]) &&
      typeof v[1] === 'string'
    )
      return { order: v[0], id: v[1] };
  } catch {
    // falls through
  }
  throw badRequest('bad-cursor', 'cursor is not one this API issued');
};
