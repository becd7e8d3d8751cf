import { Inject, Injectable } from '@nestjs/common';
import type { Db, Filter } from 'mongodb';
import type { Principal } from '@tracker/auth';
import type { CommitmentStatus, TrackerQuery } from '@tracker/contracts';
import { badRequest, MONGO_DB } from '@tracker/platform';
import { withoutMeta, type ReadModelDocument } from '@tracker/projections';
import {
  TRACKER,
  type TrackedCommitment,
  type TrackedRecommendation,
  type TrackerItem,
} from '../../infrastructure/tracker-item.projection';

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

/**
 * Reads the tracker collection and joins recommendations with their commitments at read time, so the
 * links and "overdue" are right as of now whatever order the three topics delivered in.
 */
@Injectable()
export class TrackerReader {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get rows() {
    return this.db.collection<Row>(TRACKER);
  }

  /** Rows the principal may see: viewers see published recommendations only. */
  visibility(principal: Principal): Filter<Row> {
    const known: Filter<Row> = { known: true };
    if (principal.role !== 'viewer') return known;
    return { $and: [known, { $or: [{ kind: 'commitment' }, { 'recommendation.published': true }] }] };
  }

  /** visibility(), for a row in hand. */
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

  async list(
    query: TrackerQuery,
    principal: Principal,
    now: Date,
  ): Promise<{ items: TrackerAnswer[]; nextCursor: string | null }> {
    const and: Filter<Row>[] = [this.visibility(principal)];
    if (query.kind) and.push({ kind: query.kind });
    if (query.status) and.push({ assessmentStatus: query.status });
    if (query.hasAssessment !== undefined)
      and.push({ assessmentStatus: query.hasAssessment ? { $ne: 'none' } : 'none' });
    if (query.theme) and.push(await this.linkedTo({ 'recommendation.themes': query.theme }));
    if (query.cluster) and.push(await this.linkedTo({ 'recommendation.clusterKey': query.cluster }));
    if (query.overdue !== undefined) {
      const ids = await this.overdueIds(now);
      and.push({ _id: query.overdue ? { $in: ids } : { $nin: ids } });
    }
    if (query.cursor) and.push({ _id: { $gt: decodeCursor(query.cursor) } });
    const docs = await this.rows
      .find({ $and: and })
      .sort({ _id: 1 })
      .limit(query.limit + 1)
      .toArray();
    const page = docs.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: await this.join(page, principal, now),
      nextCursor: docs.length > query.limit && last ? encodeCursor(last._id) : null,
    };
  }

  /** Every visible row, joined (the dashboard counts over all of them). */
  async all(principal: Principal, now: Date): Promise<TrackerAnswer[]> {
    const docs = await this.rows.find(this.visibility(principal)).sort({ _id: 1 }).toArray();
    return this.join(docs, principal, now);
  }

  /** Recommendations matching `match`, and the commitments linked to them. */
  private async linkedTo(match: Filter<Row>): Promise<Filter<Row>> {
    const recs = await this.rows
      .find({ $and: [{ kind: 'recommendation', known: true }, match] }, { projection: { _id: 1 } })
      .toArray();
    const ids = recs.map((r) => r._id);
    return { $or: [{ _id: { $in: ids } }, { 'commitment.linkedRecommendationIds': { $in: ids } }] };
  }

  /** Commitments overdue now and the recommendations they are linked to. */
  private async overdueIds(now: Date): Promise<string[]> {
    const overdue = await this.rows
      .find({
        kind: 'commitment',
        known: true,
        'commitment.status': { $in: OPEN },
        'commitment.dueAt': { $lte: now.toISOString() },
      })
      .toArray();
    return unique(overdue.flatMap((c) => [c._id, ...(c.commitment?.linkedRecommendationIds ?? [])]));
  }

  private async join(rows: readonly Row[], principal: Principal, now: Date): Promise<TrackerAnswer[]> {
    const recIds = rows.filter((r) => r.kind === 'recommendation').map((r) => r._id);
    const linkedRecIds = unique(rows.flatMap((r) => r.commitment?.linkedRecommendationIds ?? []));
    const [commitments, recommendations] = await Promise.all([
      recIds.length === 0
        ? []
        : this.rows
            .find({ kind: 'commitment', known: true, 'commitment.linkedRecommendationIds': { $in: recIds } })
            .toArray(),
      this.byIds(linkedRecIds, principal),
    ]);
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

const encodeCursor = (id: string): string => Buffer.from(JSON.stringify([id])).toString('base64url');
const decodeCursor = (cursor: string): string => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'string') return v[0];
  } catch {
    // falls through
  }
  throw badRequest('bad-cursor', 'cursor is not one this API issued');
};
