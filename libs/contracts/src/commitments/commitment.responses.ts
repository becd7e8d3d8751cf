import { z } from 'zod';
import type { AnswerOf } from '../answer';
import { CommitmentCreatedData } from './commitment-created.v1';
import { CommitmentStatus, DueDate, Evidence } from './vocabulary';
import { IsoDate } from '../recommendations/vocabulary';

/*
 * What the commitments API answers: the OpenAPI document's 2xx schemas are generated from these, and
 * the controllers' return types are written with them, so the two cannot drift.
 */

const Instant = z.iso.datetime({ offset: true });
const Version = z.number().int().min(1);

/** `POST /api/commitments` (201 created, 200 the same natural key and content existed). */
export const CreateCommitmentResult = z.object({
  commitmentId: z.uuid(),
  version: Version,
  /** False when the same natural key was created before with the same content. */
  created: z.boolean(),
});
export type CreateCommitmentResult = AnswerOf<typeof CreateCommitmentResult>;

/** What every update answers (ETag = version). `changed: false` when the command changed nothing. */
export const CommitmentUpdateResult = z.object({
  commitmentId: z.uuid(),
  version: Version,
  status: CommitmentStatus,
  changed: z.boolean(),
});
export type CommitmentUpdateResult = AnswerOf<typeof CommitmentUpdateResult>;

/** One commitment as the API gives it: its fields, how it got there, overdue as of now. */
export const CommitmentAnswerBody = CommitmentCreatedData.extend({
  status: CommitmentStatus,
  /** The due instant (ISO, UTC): what due-date filters, sorting and "overdue" compare with. */
  dueAt: Instant,
  extensions: z.array(
    z.object({ previousDueDate: DueDate, dueDate: DueDate, reason: z.string(), at: Instant }),
  ),
  fulfilment: z
    .object({ fulfilledOn: z.string(), evidence: z.array(Evidence), note: z.string().nullable() })
    .nullable(),
  withdrawal: z.object({ withdrawnOn: IsoDate, reason: z.string() }).nullable(),
  lapsedAt: Instant.nullable(),
  dueSetAt: Instant.optional(),
  remindedLeadsMs: z.array(z.number().int()).optional(),
  version: Version,
  createdAt: Instant,
  updatedAt: Instant,
  overdue: z.boolean(),
  overdueSince: Instant.nullable(),
});
export type CommitmentAnswerBody = AnswerOf<typeof CommitmentAnswerBody>;

/** `GET /api/commitments`. */
export const CommitmentPageBody = z.object({
  items: z.array(CommitmentAnswerBody),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type CommitmentPageBody = AnswerOf<typeof CommitmentPageBody>;
