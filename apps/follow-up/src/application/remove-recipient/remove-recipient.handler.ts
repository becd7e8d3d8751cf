import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { metadataFor } from '@tracker/platform';
import { RecipientRepository } from '../../infrastructure/recipient.repository';
import { RemoveRecipientCommand } from './remove-recipient.command';

@CommandHandler(RemoveRecipientCommand)
export class RemoveRecipientHandler implements ICommandHandler<RemoveRecipientCommand, void> {
  constructor(private readonly recipients: RecipientRepository) {}

  async execute({ recipientId, context }: RemoveRecipientCommand): Promise<void> {
    await this.recipients.execute(
      recipientId,
      { type: 'remove', recipientId },
      metadataFor(context, new Date()),
    );
  }
}
