import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { assessmentIdFor } from '@tracker/contracts';
import { AssessmentRepository } from '../../infrastructure/assessment.repository';
import { StalenessRepository } from '../../infrastructure/staleness.repository';
import { MarkStaleCommand, type MarkStaleResult } from './mark-stale.command';

export const STALE_CHECK_ACTOR = 'system:stale-check';

/**
 * Re-reads the item's assessment history from the store (not the read model, which may lag): the
 * clock runs from its newest recorded assessment, or from when the item became known. The staleness
 * aggregate appends once per period; a concurrent second check retries, re-decides and appends nothing.
 */
@CommandHandler(MarkStaleCommand)
export class MarkStaleHandler implements ICommandHandler<MarkStaleCommand, MarkStaleResult> {
  constructor(
    private readonly assessments: AssessmentRepository,
    private readonly staleness: StalenessRepository,
  ) {}

  async execute({ target, knownAt, staleAfterMs, dayMs }: MarkStaleCommand): Promise<MarkStaleResult> {
    const assessmentId = assessmentIdFor(target);
    const { events } = await this.assessments.load(assessmentId);
    const lastAssessedAt =
      events
        .filter((e) => e.type === 'assessment.recorded')
        .map((e) => e.metadata.recordedAt)
        .sort()
        .pop() ?? null;
    const since = lastAssessedAt !== null && lastAssessedAt > knownAt ? lastAssessedAt : knownAt;
    const now = new Date();
    const result = await this.staleness.execute(
      assessmentId,
      { type: 'mark-stale', assessmentId, target, since, lastAssessedAt, staleAfterMs, dayMs },
      {
        actor: STALE_CHECK_ACTOR,
        role: 'system',
        institution: null,
        correlationId: randomUUID(),
        causationId: null,
        occurredAt: now.toISOString(),
        reason: `no assessment since ${since}`,
      },
    );
    return { marked: result.events.length > 0 };
  }
}
