import { Command } from '@nestjs/cqrs';
import type { CreateCommitmentResult } from '@tracker/contracts';
import type { RequestContext } from '@tracker/platform';
import type { CommitmentDraft } from '../../domain/commitment';

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
