import { z } from 'zod';
import { Mechanism, PositionValue, Slug } from './vocabulary';

export const CATALOGUE_SORTS = ['date', '-date', 'citation', '-citation', 'updated', '-updated'] as const;
export const MAX_PAGE_SIZE = 200;

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Filters shared by the list and the export (query string of `GET /api/recommendations[/export]`). */
export const CatalogueFilter = z.strictObject({
  mechanism: Mechanism.optional(),
  /** Recommending state or body, case- and accent-insensitive exact name ("United States"). */
  entity: z.string().trim().min(1).max(200).optional(),
  theme: Slug.optional(),
  group: Slug.optional(),
  /** A position value, or `none` for items with no recorded position. */
  position: z.union([PositionValue, z.literal('none')]).optional(),
  cycle: z.coerce.number().int().min(1).max(10).optional(),
  cluster: Slug.optional(),
  published: bool.optional(),
  /** Words that must all occur in the text (en or fr), citation or recommending entity. */
  q: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(CATALOGUE_SORTS).default('-date'),
});
export type CatalogueFilter = z.infer<typeof CatalogueFilter>;

export const ListRecommendationsQuery = CatalogueFilter.extend({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  cursor: z.string().min(1).max(500).optional(),
});
export type ListRecommendationsQuery = z.infer<typeof ListRecommendationsQuery>;

export const ExportRecommendationsQuery = CatalogueFilter.extend({
  format: z.enum(['csv', 'xlsx']).default('csv'),
});
export type ExportRecommendationsQuery = z.infer<typeof ExportRecommendationsQuery>;

export const ImportFormat = z.enum(['xlsx', 'csv', 'jsonl']);
export type ImportFormat = z.infer<typeof ImportFormat>;

/**
 * The text encodings the CSV/TSV and JSON-lines import reads (WHATWG names; `macintosh` is Mac OS
 * Roman), detected from the bytes; the report says which one it used.
 */
export const ImportEncoding = z.enum(['utf-8', 'utf-16le', 'utf-16be', 'windows-1252', 'macintosh']);
export type ImportEncoding = z.infer<typeof ImportEncoding>;

export const ImportRecommendationsQuery = z.strictObject({
  dryRun: bool.default(false),
  format: ImportFormat.optional(),
});
export type ImportRecommendationsQuery = z.infer<typeof ImportRecommendationsQuery>;

export interface ImportRejection {
  /** 1-based data row (header excluded; for JSON lines, the line number). */
  readonly row: number;
  readonly reason: string;
}

/** `created + unchanged + rejected.length === read`, always. */
export interface ImportReport {
  readonly format: ImportFormat;
  /** The text encoding a CSV, TSV or JSON-lines file was read in; absent for XLSX (its XML says). */
  readonly encoding?: ImportEncoding;
  readonly dryRun: boolean;
  readonly read: number;
  readonly created: number;
  readonly unchanged: number;
  readonly rejected: readonly ImportRejection[];
}
