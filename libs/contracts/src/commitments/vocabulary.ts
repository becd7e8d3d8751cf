import { v5 as uuidv5 } from 'uuid';
import { z } from 'zod';
import { IsoDate, Slug } from '../recommendations/vocabulary';

export const COMMITMENT_STATUSES = ['open', 'fulfilled', 'withdrawn', 'lapsed'] as const;
export const CommitmentStatus = z.enum(COMMITMENT_STATUSES);
export type CommitmentStatus = z.infer<typeof CommitmentStatus>;

/**
 * Where a due date comes from: the source itself (`sourced`), or a tracking target the secretariat set
 * because the source gives none (`secretariat-target`): the dataset never invents facts.
 */
export const DUE_DATE_KINDS = ['sourced', 'secretariat-target'] as const;
export const DueDateKind = z.enum(DUE_DATE_KINDS);
export type DueDateKind = z.infer<typeof DueDateKind>;

/**
 * A due date (`2024-02-24`: due by the end of that day, UTC) or a due instant with an offset
 * (`2026-03-01T12:00:00Z`, for deadlines at the minute).
 */
export const DueDate = z.union([IsoDate, z.iso.datetime({ offset: true })], {
  error: 'must be a date (YYYY-MM-DD) or a date-time with offset',
});
export type DueDate = z.infer<typeof DueDate>;

const DAY_MS = 86_400_000;

/**
 * The instant a commitment becomes overdue: the end of its due date (the next day at 00:00 UTC), or the
 * given instant. Every reader (read models, tracker, timers) uses this one definition.
 */
export const dueInstantOf = (dueDate: string): Date =>
  /^\d{4}-\d{2}-\d{2}$/.test(dueDate)
    ? new Date(Date.parse(`${dueDate}T00:00:00.000Z`) + DAY_MS)
    : new Date(dueDate);

/** The calendar date (UTC) of a due date, for comparing it with other dates. */
export const dueDayOf = (dueDate: string): string =>
  /^\d{4}-\d{2}-\d{2}$/.test(dueDate) ? dueDate : new Date(dueDate).toISOString().slice(0, 10);

/** Where and when the government made the commitment ("as promised at the Security Council"). */
export const MadeAt = z.strictObject({
  forum: z.string().trim().min(1).max(300),
  /** Null when the sources do not date the promise (say why in `dateNote`): never invented. */
  date: IsoDate.nullable(),
  dateNote: z.string().trim().min(1).max(1000).nullable().default(null),
  citation: z.string().trim().min(1).max(500),
});
export type MadeAt = z.infer<typeof MadeAt>;

export const CommitmentTitle = z.strictObject({
  en: z.string().trim().min(1).max(500),
  fr: z.string().trim().min(1).max(500).nullable().default(null),
});
export type CommitmentTitle = z.infer<typeof CommitmentTitle>;

export const InstitutionKeys = z
  .array(Slug)
  .min(1, 'name at least one responsible institution')
  .max(20)
  .refine((xs) => new Set(xs).size === xs.length, 'institutions must not repeat')
  .meta({ uniqueItems: true });

export const LinkedRecommendationIds = z
  .array(z.uuid())
  .max(200)
  .refine((xs) => new Set(xs).size === xs.length, 'linked recommendations must not repeat')
  .meta({ uniqueItems: true });

/** A piece of evidence, quoted from its source (fulfilment of a commitment, an assessment). */
export const Evidence = z.strictObject({
  source: z.string().trim().min(1).max(300),
  citation: z.string().trim().min(1).max(500).nullable().default(null),
  /** Null when the source gives no exact date (say what it gives in `dateNote`). */
  date: IsoDate.nullable(),
  dateNote: z.string().trim().min(1).max(1000).nullable().default(null),
  summary: z.string().trim().min(1).max(5000),
  link: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .default(null),
  quote: z.string().trim().min(1).max(10000).nullable().default(null),
});
export type Evidence = z.infer<typeof Evidence>;

/** A passage of a source that records the commitment. */
export const SourceQuote = z.strictObject({
  source: z.string().trim().min(1).max(300),
  citation: z.string().trim().min(1).max(500),
  quote: z.string().trim().min(1).max(10000),
});
export type SourceQuote = z.infer<typeof SourceQuote>;

/** Fixed namespace: a dataset key always maps to the same commitment id, in every environment. */
export const COMMITMENT_KEY_NAMESPACE = '2d0a4f0e-8c1b-4a57-b2f4-7d3e6c1a9b21';

export const commitmentIdForKey = (externalKey: string): string =>
  uuidv5(externalKey, COMMITMENT_KEY_NAMESPACE);
