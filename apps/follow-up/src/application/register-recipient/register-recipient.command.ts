import { Command } from '@nestjs/cqrs';
import type { RegisterRecipientRequest, RegisterRecipientResult } from '@tracker/contracts';
import type { RequestContext } from '@tracker/platform';

/** An admin registers a person to receive alert mails. */
export class RegisterRecipientCommand extends Command<RegisterRecipientResult> {
  constructor(
    readonly request: RegisterRecipientRequest,
    readonly context: RequestContext,
  ) {
    super();
  }
}
