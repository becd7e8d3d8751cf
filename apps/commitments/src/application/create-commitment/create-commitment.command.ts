import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '@tracker/platform';
import type { CommitmentDraft } from '../../domain/commitment';

export interface CreateCommitmentResult {
  readonly commitmentId: string;
  readonly version: number;
  /** False when the same natural key was created before with the same content. */
  readonly created: boolean;
}

export class CreateCommitmentCommand extends Command<CreateCommitmentResult> {
  constructor(
    readonly commitmentId: string,
    readonly draft: CommitmentDraft,
    readonly context: RequestContext,
  ) {
    super();
  }
}
