import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { AuthorizationError, type Principal } from '@tracker/auth';
import { assessmentIdFor, type AssessmentTarget } from '@tracker/contracts';
import { metadataFor, notFound } from '@tracker/platform';
import { ASSESSABLE_ITEMS, type AssessableItems } from '../../domain/assessable-items';
import { AssessmentRepository } from '../../infrastructure/assessment.repository';
import { RecordAssessmentCommand, type RecordAssessmentResult } from './record-assessment.command';

@CommandHandler(RecordAssessmentCommand)
export class RecordAssessmentHandler implements ICommandHandler<
  RecordAssessmentCommand,
  RecordAssessmentResult
> {
  constructor(
    private readonly repository: AssessmentRepository,
    @Inject(ASSESSABLE_ITEMS) private readonly items: AssessableItems,
  ) {}

  async execute(command: RecordAssessmentCommand): Promise<RecordAssessmentResult> {
    const { target, context } = command;
    const assessmentId = assessmentIdFor(target);
    // occurredAt = the date the assessment speaks for; recordedAt (set by the store) stays the real time.
    const occurredAt = new Date(`${command.assessedOn}T00:00:00.000Z`);
    const result = await this.repository.execute(
      assessmentId,
      {
        type: 'record',
        assessmentId,
        target,
        status: command.status,
        assessedOn: command.assessedOn,
        evidence: command.evidence,
        assessor: context.principal.subject,
        note: command.note,
      },
      metadataFor(context, occurredAt, command.note),
      { precheck: (loaded) => this.authorize(target, context.principal, loaded.version > 0) },
    );
    return { assessmentId, target, version: result.version, recorded: result.events.length > 0 };
  }

  /**
   * The target must be known to follow-up (from the recommendations / commitments topics); admin and
   * secretariat assess anything, a focal point only commitments of its own institution. A target
   * already assessed was known then and stays known (items are never forgotten), so only a focal
   * point's institution is read again: a repeat assessment costs no read-model lookup.
   */
  private async authorize(
    target: AssessmentTarget,
    principal: Principal,
    assessedBefore: boolean,
  ): Promise<void> {
    if (assessedBefore && principal.role !== 'focal-point') return;
    if (target.kind === 'commitment') {
      const institutions = await this.items.institutionsOf(target.id);
      if (!institutions) throw notFound(`commitment ${target.id}`);
      if (principal.role !== 'focal-point') return;
      if (!principal.institution || !institutions.includes(principal.institution))
        throw new AuthorizationError(
          `focal point of ${principal.institution ?? 'no institution'} may only assess commitments of its own institution`,
        );
      return;
    }
    if (!assessedBefore && !(await this.items.isKnownRecommendation(target.id)))
      throw notFound(`recommendation ${target.id}`);
    if (principal.role === 'focal-point')
      throw new AuthorizationError('a focal point assesses only commitments of its own institution');
  }
}
