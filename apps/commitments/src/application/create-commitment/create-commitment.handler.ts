import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { metadataFor } from '@tracker/platform';
import { CommitmentRepository } from '../../infrastructure/commitment.repository';
import { assertMayWrite } from '../commitment-access';
import { CreateCommitmentCommand, type CreateCommitmentResult } from './create-commitment.command';

@CommandHandler(CreateCommitmentCommand)
export class CreateCommitmentHandler implements ICommandHandler<
  CreateCommitmentCommand,
  CreateCommitmentResult
> {
  constructor(private readonly repository: CommitmentRepository) {}

  async execute(command: CreateCommitmentCommand): Promise<CreateCommitmentResult> {
    assertMayWrite(command.context.principal, command.draft.institutions);
    const result = await this.repository.execute(
      command.commitmentId,
      { type: 'create', commitmentId: command.commitmentId, draft: command.draft },
      metadataFor(command.context, new Date()),
    );
    return { commitmentId: command.commitmentId, version: result.version, created: result.events.length > 0 };
  }
}
