import { z } from 'zod';
import { IsoDate, Slug } from '../recommendations/vocabulary';
import {
  CommitmentStatus,
  CommitmentTitle,
  DueDate,
  DueDateKind,
  Evidence,
  InstitutionKeys,
  LinkedRecommendationIds,
  MadeAt,
  SourceQuote,
} from './vocabulary';

const Reason = z.string().trim().min(1).max(2000);

/** `POST /api/commitments`. Unknown fields are rejected. */
export const CreateCommitmentRequest = z.strictObject({
  externalKey: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'letters, digits and . _ : / - only')
    .optional()
    .describe('natural key; creating the same key twice with the same content is a no-op'),
  title: CommitmentTitle,
  text: z.string().trim().min(1).max(20000),
  madeAt: MadeAt,
  basisNote: z.string().trim().min(1).max(5000).nullable().default(null),
  sourceQuotes: z.array(SourceQuote).max(20).default([]),
  institutions: InstitutionKeys,
  dueDate: DueDate,
  dueDateKind: DueDateKind.default('sourced'),
  dueDateNote: z.string().trim().min(1).max(2000).nullable().default(null),
  linkedRecommendationIds: LinkedRecommendationIds.default([]),
});
export type CreateCommitmentRequest = z.infer<typeof CreateCommitmentRequest>;

/** `PATCH /api/commitments/:id` (If-Match): the fields given replace the current ones. */
export const ReviseCommitmentRequest = z
  .strictObject({
    title: CommitmentTitle.optional(),
    text: z.string().trim().min(1).max(20000).optional(),
    madeAt: MadeAt.optional(),
    institutions: InstitutionKeys.optional(),
    dueDateNote: z.string().trim().min(1).max(2000).nullable().optional(),
    linkedRecommendationIds: LinkedRecommendationIds.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'give at least one field' })
  .meta({ minProperties: 1 });
export type ReviseCommitmentRequest = z.infer<typeof ReviseCommitmentRequest>;

/** `POST /api/commitments/:id/due-date-extensions` (If-Match). */
export const ExtendDueDateRequest = z.strictObject({
  dueDate: DueDate,
  reason: Reason,
  /** Defaults to the current kind. */
  dueDateKind: DueDateKind.optional(),
});
export type ExtendDueDateRequest = z.infer<typeof ExtendDueDateRequest>;

/** `POST /api/commitments/:id/fulfilment` (If-Match). */
export const FulfilCommitmentRequest = z.strictObject({
  fulfilledOn: IsoDate,
  evidence: z.array(Evidence).min(1, 'give at least one piece of evidence').max(50),
  note: z.string().trim().min(1).max(5000).nullable().default(null),
});
export type FulfilCommitmentRequest = z.infer<typeof FulfilCommitmentRequest>;

/** `POST /api/commitments/:id/withdrawal` (If-Match). */
export const WithdrawCommitmentRequest = z.strictObject({
  withdrawnOn: IsoDate.optional(),
  reason: Reason,
});
export type WithdrawCommitmentRequest = z.infer<typeof WithdrawCommitmentRequest>;

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const MAX_COMMITMENTS_PAGE = 200;

/** `GET /api/commitments` query string. `overdue` is judged at query time (open or lapsed, due date passed). */
export const ListCommitmentsQuery = z.strictObject({
  institution: Slug.optional(),
  status: CommitmentStatus.optional(),
  dueBefore: IsoDate.optional().describe('due strictly before this date'),
  dueAfter: IsoDate.optional().describe('due strictly after this date'),
  overdue: bool.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_COMMITMENTS_PAGE).default(50),
  cursor: z.string().min(1).max(500).optional(),
});
export type ListCommitmentsQuery = z.infer<typeof ListCommitmentsQuery>;
