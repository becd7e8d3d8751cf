import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { metadataFor } from '@tracker/platform';
import { RecipientRepository } from '../../infrastructure/recipient.repository';
import type { UpdateRecipientResult } from '@tracker/contracts';
import { UpdateRecipientCommand } from './update-recipient.command';

@CommandHandler(UpdateRecipientCommand)
export class UpdateRecipientHandler implements ICommandHandler<
  UpdateRecipientCommand,
  UpdateRecipientResult
> {
  constructor(private readonly recipients: RecipientRepository) {}

  async execute({ recipientId, changes, context }: UpdateRecipientCommand): Promise<UpdateRecipientResult> {
    const result = await this.recipients.execute(
      recipientId,
      { type: 'update', recipientId, changes },
      metadataFor(context, new Date()),
    );
    return { recipientId, version: result.version, changed: result.events.length > 0 };
  }
}
