import { Command } from '@nestjs/cqrs';
import type { AssessmentTarget, AssessmentStatus, Evidence } from '@tracker/contracts';
import type { RequestContext } from '@tracker/platform';

export interface RecordAssessmentResult {
  readonly assessmentId: string;
  readonly target: AssessmentTarget;
  readonly version: number;
  /** False when exactly this assessment was recorded before (nothing changed). */
  readonly recorded: boolean;
}

export class RecordAssessmentCommand extends Command<RecordAssessmentResult> {
  constructor(
    readonly target: AssessmentTarget,
    readonly status: AssessmentStatus,
    readonly assessedOn: string,
    readonly evidence: readonly Evidence[],
    readonly note: string | null,
    readonly context: RequestContext,
  ) {
    super();
  }
}
