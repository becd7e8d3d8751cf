import { Command } from '@nestjs/cqrs';
import type { CreateCommitmentResult } from '@tracker/contracts';
import { commitmentIdForKey } from '@tracker/contracts';
import { newAggregateId } from '@tracker/event-store';
import type { RequestContext } from '@tracker/platform';
import { Commitment, type CommitmentDraft } from '../../domain/commitment';

/**
 * The id `POST /api/commitments` creates: from the natural key, else a new one — on the replay of an
 * Idempotency-Key request that committed, the one it created (libs/event-store/src/idempotent-request.ts).
 */
export const createdCommitmentId = (externalKey: string | undefined | null): string =>
  externalKey ? commitmentIdForKey(externalKey) : newAggregateId(Commitment.name);

export type { CreateCommitmentResult };

export class CreateCommitmentCommand extends Command<CreateCommitmentResult> {
  constructor(
    readonly commitmentId: string,
    readonly draft: CommitmentDraft,
    readonly context: RequestContext,
  ) {
    super();
  }
}
