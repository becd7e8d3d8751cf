import { Command } from '@nestjs/cqrs';
import type { AssessmentTarget } from '@tracker/contracts';
import type { RequestContext } from '@tracker/platform';

export interface SetStalePeriodResult {
  readonly itemId: string;
  readonly target: AssessmentTarget;
  /** The item's own period now in force (0 = never stale), null when the global one applies. */
  readonly staleAfterDays: number | null;
  /** False when the item already had exactly this period: nothing was appended. */
  readonly changed: boolean;
}

/** The secretariat gives one tracked item its own staleness period, or clears it (null). */
export class SetStalePeriodCommand extends Command<SetStalePeriodResult> {
  constructor(
    /** A recommendation or commitment id, as in `/api/tracker/items/:id`. */
    readonly itemId: string,
    readonly staleAfterDays: number | null,
    readonly reason: string | null,
    readonly context: RequestContext,
  ) {
    super();
  }
}
