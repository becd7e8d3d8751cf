import { Command } from '@nestjs/cqrs';
import type { RequestContext } from '@tracker/platform';

/** An admin removes a recipient: nothing more is mailed to the address. */
export class RemoveRecipientCommand extends Command<void> {
  constructor(
    readonly recipientId: string,
    readonly context: RequestContext,
  ) {
    super();
  }
}
