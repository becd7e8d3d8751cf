import { Command } from '@nestjs/cqrs';
import type { UpdateRecipientRequest, UpdateRecipientResult } from '@tracker/contracts';
import type { RequestContext } from '@tracker/platform';

/** An admin changes how a recipient is mailed (language, audience, digest-only, paused). */
export class UpdateRecipientCommand extends Command<UpdateRecipientResult> {
  constructor(
    readonly recipientId: string,
    readonly changes: UpdateRecipientRequest,
    readonly context: RequestContext,
  ) {
    super();
  }
}
