import { z } from 'zod';

export const MECHANISMS = [
  'upr',
  'hrc-resolution',
  'security-council',
  'secretary-general',
  'ohchr',
  'special-procedure',
  'treaty-body',
  'ngo',
] as const;
export const Mechanism = z.enum(MECHANISMS);
export type Mechanism = z.infer<typeof Mechanism>;

export const POSITIONS = ['supported', 'supported-in-part', 'noted', 'pending'] as const;
export const PositionValue = z.enum(POSITIONS);
export type PositionValue = z.infer<typeof PositionValue>;

/** Kebab-case slug: themes, affected groups, cluster keys, institution keys. */
export const Slug = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a kebab-case slug');

export const IsoDate = z.iso.date();

/**
 * The date of a source document, as precisely as the source states it: `2023-05-02`, or `2023-05` /
 * `2023` when only the month or year is known (never a guessed day). Sorts correctly as a string.
 */
export const DocumentDate = z.union([IsoDate, z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/)], {
  error: 'must be a date YYYY-MM-DD, or YYYY-MM / YYYY when the source gives no day',
});
export const SdgTarget = z
  .string()
  .regex(/^\d{1,2}\.[0-9a-z]{1,2}$/, 'must be an SDG target such as 5.2 or 16.a');

export const LocalizedText = z.strictObject({
  en: z.string().trim().min(1).max(20000),
  fr: z.string().trim().min(1).max(20000).nullable().default(null),
});
export type LocalizedText = z.infer<typeof LocalizedText>;

export const DocumentReference = z.strictObject({
  symbol: z.string().trim().min(1).max(200).nullable().default(null),
  paragraph: z.string().trim().min(1).max(100).nullable().default(null),
  /** How a person cites it: `A/HRC/RES/40/26 OP11`, `UPR Mali 2023 — United States, bullet 1`. */
  citation: z.string().trim().min(1).max(300),
  date: DocumentDate,
});
export type DocumentReference = z.infer<typeof DocumentReference>;

export const Position = z.strictObject({
  value: PositionValue,
  date: IsoDate.nullable().default(null),
  source: z.string().trim().min(1).max(300).nullable().default(null),
});
export type Position = z.infer<typeof Position>;
