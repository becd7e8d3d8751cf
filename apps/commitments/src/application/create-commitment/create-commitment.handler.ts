import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { metadataFor, ServiceLifecycle } from '@tracker/platform';
import { CommitmentRepository } from '../../infrastructure/commitment.repository';
import { assertMayWrite } from '../commitment-access';
import { CreateCommitmentCommand, type CreateCommitmentResult } from './create-commitment.command';

@CommandHandler(CreateCommitmentCommand)
export class CreateCommitmentHandler implements ICommandHandler<
  CreateCommitmentCommand,
  CreateCommitmentResult
> {
  constructor(
    private readonly repository: CommitmentRepository,
    private readonly lifecycle: ServiceLifecycle,
  ) {}

  async execute(command: CreateCommitmentCommand): Promise<CreateCommitmentResult> {
    assertMayWrite(command.context.principal, command.draft.institutions);
    const result = await this.repository.execute(
      command.commitmentId,
      { type: 'create', commitmentId: command.commitmentId, draft: command.draft },
      metadataFor(command.context, new Date()),
    );
    if (result.events.length > 0) this.lifecycle.notifyAppended();
    return { commitmentId: command.commitmentId, version: result.version, created: result.events.length > 0 };
  }
}
