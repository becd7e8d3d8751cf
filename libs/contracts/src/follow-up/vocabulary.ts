import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { ASSESSMENT_STATUSES } from './assessment-statuses';

export { ASSESSMENT_STATUSES };
export const AssessmentStatus = z.enum(ASSESSMENT_STATUSES);
export type AssessmentStatus = z.infer<typeof AssessmentStatus>;

/** What can be assessed: a recommendation or a commitment, by its id in its own context. */
export const TARGET_KINDS = ['recommendation', 'commitment'] as const;
export const TargetKind = z.enum(TARGET_KINDS);
export type TargetKind = z.infer<typeof TargetKind>;

export const AssessmentTarget = z.strictObject({ kind: TargetKind, id: z.uuid() });
export type AssessmentTarget = z.infer<typeof AssessmentTarget>;

/** Fixed namespace: one assessment stream per (target kind, target id), the same in every environment. */
export const ASSESSMENT_STREAM_NAMESPACE = '9a7e3b1c-5d2f-4e8a-b6c4-1f0d2e3a4b5c';

/** The id of the assessment history of a target (stream `assessment-<id>`). */
export const assessmentIdFor = (target: AssessmentTarget): string =>
  uuidv5(`${target.kind}:${target.id.toLowerCase()}`, ASSESSMENT_STREAM_NAMESPACE);
