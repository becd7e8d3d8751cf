import { z } from 'zod';
import { defineEvent, type EventOf } from '../event-definition';
import { Evidence } from '../commitments/vocabulary';
import { IsoDate } from '../recommendations/vocabulary';
import { AssessmentStatus, AssessmentTarget } from './vocabulary';

/**
 * The secretariat's (or a focal point's) assessment of how far a recommendation or commitment is
 * implemented, as of `assessedOn` (which may be long before the event was recorded: back-dated
 * assessments from the sources). Never overwritten: the history is the point.
 */
export const AssessmentRecordedData = z.strictObject({
  assessmentId: z.uuid(),
  target: AssessmentTarget,
  status: AssessmentStatus,
  assessedOn: IsoDate,
  evidence: z.array(Evidence).max(50),
  /** Who assessed: the actor's subject, or the name the source gives for a back-dated assessment. */
  assessor: z.string().min(1).max(200),
  note: z.string().min(1).max(5000).nullable(),
});
export type AssessmentRecordedData = z.infer<typeof AssessmentRecordedData>;

export const AssessmentRecorded = defineEvent('assessment.recorded', 1, AssessmentRecordedData);
export type AssessmentRecorded = EventOf<typeof AssessmentRecorded>;
