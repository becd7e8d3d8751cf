import { Command } from '@nestjs/cqrs';
import type { AssessmentTarget } from '@tracker/contracts';

export interface MarkStaleResult {
  /** True when an `assessment.stale` event was appended. */
  readonly marked: boolean;
}

/**
 * Sent by the stale check: `target` may have gone N without an assessment. N is the item's own period
 * if its staleness stream has one, else `staleAfterMs`; the aggregate decides which.
 */
export class MarkStaleCommand extends Command<MarkStaleResult> {
  constructor(
    readonly target: AssessmentTarget,
    /** When follow-up first knew the item (from the read model). */
    readonly knownAt: string,
    /** The global N in ms (0: no global period). */
    readonly staleAfterMs: number,
    /** The length of a day in ms: an item's own period is in days. */
    readonly dayMs: number,
  ) {
    super();
  }
}
