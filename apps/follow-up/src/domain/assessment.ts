import {
  AssessmentRecorded,
  canonicalJson,
  followUpEvents,
  RuleViolationError,
  type AssessmentRecordedData,
  type AssessmentStatus,
  type AssessmentTarget,
  type Evidence,
  type FollowUpEvent,
} from '@tracker/contracts';

export type AssessmentCommand = {
  readonly type: 'record';
  /** The id of the target's assessment history (assessmentIdFor(target)). */
  readonly assessmentId: string;
  readonly target: AssessmentTarget;
  readonly status: AssessmentStatus;
  readonly assessedOn: string;
  readonly evidence: readonly Evidence[];
  readonly assessor: string;
  readonly note: string | null;
};

/** The assessment history of one item: what was recorded, oldest first (the history is never overwritten). */
export interface AssessmentState {
  readonly target: AssessmentTarget | null;
  readonly recorded: readonly AssessmentRecordedData[];
}

export const initialState: AssessmentState = { target: null, recorded: [] };

const dayOf = (d: Date): string => d.toISOString().slice(0, 10);
const contentOf = (a: Omit<AssessmentRecordedData, 'assessmentId'>): string =>
  canonicalJson({
    target: a.target,
    status: a.status,
    assessedOn: a.assessedOn,
    evidence: a.evidence,
    note: a.note,
  });

/**
 * Records one more assessment. Back-dated assessments are fine (`assessedOn` in the past), future ones
 * are not; recording exactly the same assessment again (a re-run seed, a retried request) is a no-op.
 */
export const decide = (cmd: AssessmentCommand, state: AssessmentState, now: Date): FollowUpEvent[] => {
  switch (cmd.type) {
    case 'record': {
      if (cmd.assessedOn > dayOf(now))
        throw new RuleViolationError(`assessedOn ${cmd.assessedOn} is in the future`, 'assessedOn');
      const late = cmd.evidence.findIndex((e) => e.date !== null && e.date > cmd.assessedOn);
      if (late >= 0)
        throw new RuleViolationError(
          `evidence dated ${cmd.evidence[late]?.date} is after the assessment date ${cmd.assessedOn}`,
          `evidence.${late}.date`,
        );
      const data: AssessmentRecordedData = {
        assessmentId: cmd.assessmentId,
        target: cmd.target,
        status: cmd.status,
        assessedOn: cmd.assessedOn,
        evidence: [...cmd.evidence],
        assessor: cmd.assessor,
        note: cmd.note,
      };
      const content = contentOf(data);
      if (state.recorded.some((r) => contentOf(r) === content)) return [];
      return [AssessmentRecorded(data)];
    }
    default: {
      const _exhaustive: never = cmd.type;
      return _exhaustive;
    }
  }
};

export const evolve = (state: AssessmentState, event: FollowUpEvent): AssessmentState => {
  switch (event.type) {
    case 'assessment.recorded':
      return { target: event.data.target, recorded: [...state.recorded, event.data] };
    default:
      return state;
  }
};

export const Assessment = {
  name: 'assessment',
  initialState,
  decide,
  evolve,
  registry: followUpEvents,
} as const;
