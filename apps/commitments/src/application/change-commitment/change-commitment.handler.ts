import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AggregateNotFoundError, type CommitmentUpdateResult } from '@tracker/contracts';
import { ConcurrencyError, PreconditionFailedError } from '@tracker/event-store';
import { CommitmentRepository } from '../../infrastructure/commitment.repository';
import { assertMayWrite } from '../commitment-access';
import { ChangeCommitmentCommand } from './change-commitment.command';

@CommandHandler(ChangeCommitmentCommand)
export class ChangeCommitmentHandler implements ICommandHandler<
  ChangeCommitmentCommand,
  CommitmentUpdateResult
> {
  constructor(private readonly repository: CommitmentRepository) {}

  async execute({
    change,
    metadata,
    principal,
    expectedVersion,
  }: ChangeCommitmentCommand): Promise<CommitmentUpdateResult> {
    const id = change.commitmentId;
    if (principal) {
      const { state } = await this.repository.load(id);
      if (!state.exists) throw new AggregateNotFoundError('commitment', id);
      assertMayWrite(principal, state.institutions);
      // A focal point cannot hand its commitment over to institutions it does not belong to.
      if (change.type === 'revise' && change.revision.institutions)
        assertMayWrite(principal, change.revision.institutions);
    }
    const result = await this.repository
      .execute(id, change, metadata, expectedVersion === undefined ? {} : { expectedVersion })
      .catch(async (err: unknown) => {
        // Two writers read the same version and raced to append: for the one that lost, its If-Match
        // is stale now, exactly as if it had arrived a moment later (412, not 409).
        if (err instanceof ConcurrencyError && expectedVersion !== undefined) {
          const { version } = await this.repository.load(id);
          throw new PreconditionFailedError(err.streamId, expectedVersion, version);
        }
        throw err;
      });
    if (!result.state.exists) throw new AggregateNotFoundError('commitment', id);
    return {
      commitmentId: id,
      version: result.version,
      status: result.state.status,
      changed: result.events.length > 0,
    };
  }
}
