import { Inject, Injectable } from '@nestjs/common';
import type { Db } from 'mongodb';
import { MONGO_DB } from '@tracker/platform';
import type { ReadModelDocument } from '@tracker/projections';
import type { AssessableItems } from '../domain/assessable-items';
import { TRACKER, type TrackerItem } from './tracker-item.projection';

/**
 * Which institutions answer for a commitment, read from its tracker row (`commitment.institutions`,
 * kept from `commitment.created` and `commitment.revised`): the same row the tracker API shows, so a
 * commitment is assessable and its alerts are scoped from the moment it is listed. Current ownership:
 * a commitment handed to another institution takes its alerts along.
 */
@Injectable()
export class CommitmentInstitutions implements AssessableItems {
  constructor(@Inject(MONGO_DB) private readonly db: Db) {}

  private get rows() {
    return this.db.collection<ReadModelDocument<TrackerItem>>(TRACKER);
  }

  /** The institutions of one commitment; null while follow-up does not know it. */
  async institutionsOf(commitmentId: string): Promise<readonly string[] | null> {
    // `_id` alone, checked in hand: FerretDB serves a top-level `_id` equality from its index (ADR 0005).
    const row = await this.rows.findOne({ _id: commitmentId });
    return row?.known && row.kind === 'commitment' && row.commitment ? row.commitment.institutions : null;
  }

  async isKnownRecommendation(recommendationId: string): Promise<boolean> {
    return (await this.rows.findOne({ _id: recommendationId, kind: 'recommendation', known: true })) !== null;
  }

  /** Ids of the commitments `institution` answers for. */
  async ownedBy(institution: string): Promise<string[]> {
    const rows = await this.rows
      .find(
        { kind: 'commitment', known: true, 'commitment.institutions': institution },
        { projection: { _id: 1 } },
      )
      .toArray();
    return rows.map((r) => r._id);
  }
}
