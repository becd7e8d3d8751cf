import { Command } from '@nestjs/cqrs';
import type { AssessmentTarget } from '@tracker/contracts';

export interface MarkStaleResult {
  /** True when an `assessment.stale` event was appended. */
  readonly marked: boolean;
}

/** Sent by the stale check: `target` may have gone `staleAfterMs` without an assessment. */
export class MarkStaleCommand extends Command<MarkStaleResult> {
  constructor(
    readonly target: AssessmentTarget,
    /** When follow-up first knew the item (from the read model). */
    readonly knownAt: string,
    readonly staleAfterMs: number,
  ) {
    super();
  }
}
