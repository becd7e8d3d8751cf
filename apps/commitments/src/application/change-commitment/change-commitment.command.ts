import { Command } from '@nestjs/cqrs';
import type { Principal } from '@tracker/auth';
import type { CommitmentUpdateResult } from '@tracker/contracts';
import type { AppendMetadata } from '@tracker/event-store';
import type { CommitmentCommand } from '../../domain/commitment';

/** Every change after creation (revise, extend, fulfil, withdraw, mark lapsed): load → check → decide → append. */
export type CommitmentChange = Exclude<CommitmentCommand, { type: 'create' }>;

export class ChangeCommitmentCommand extends Command<CommitmentUpdateResult> {
  constructor(
    readonly change: CommitmentChange,
    readonly metadata: AppendMetadata,
    /** The caller, checked against the commitment's institutions; null for a system actor (timers). */
    readonly principal: Principal | null,
    /** From If-Match; undefined only for system actors, which then retry on concurrent writes. */
    readonly expectedVersion: number | undefined,
  ) {
    super();
  }
}
