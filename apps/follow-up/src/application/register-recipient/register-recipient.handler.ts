import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { recipientIdFor, type RegisterRecipientResult } from '@tracker/contracts';
import { metadataFor } from '@tracker/platform';
import { RecipientRepository } from '../../infrastructure/recipient.repository';
import { RegisterRecipientCommand } from './register-recipient.command';

/** The id comes from the address: registering the same person again is a no-op, not a duplicate. */
@CommandHandler(RegisterRecipientCommand)
export class RegisterRecipientHandler implements ICommandHandler<
  RegisterRecipientCommand,
  RegisterRecipientResult
> {
  constructor(private readonly recipients: RecipientRepository) {}

  async execute({ request, context }: RegisterRecipientCommand): Promise<RegisterRecipientResult> {
    const { email, ...settings } = request;
    const recipientId = recipientIdFor(email);
    const result = await this.recipients.execute(
      recipientId,
      { type: 'register', recipientId, email, settings },
      metadataFor(context, new Date()),
    );
    return { recipientId, version: result.version, registered: result.events.length > 0 };
  }
}
