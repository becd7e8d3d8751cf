import { z } from 'zod';
import type { AnswerOf } from '../answer';
import { ImportEncoding, ImportFormat } from './catalogue-query';
import { RecommendationCreatedData } from './recommendation-created.v1';
import { ClusterTitle } from './recommendation-cluster-titled.v1';
import { DocumentDate } from './vocabulary';

/*
 * What the recommendations API answers: the OpenAPI document's 2xx schemas are generated from these,
 * and the controllers' return types are written with them, so the two cannot drift.
 */

const Instant = z.iso.datetime({ offset: true });
const Version = z.number().int().min(1);
const Count = z.number().int().min(0);

/** `POST /api/recommendations` (201 created, 200 the same natural key and content existed). */
export const CreateRecommendationResult = z.object({
  recommendationId: z.uuid(),
  version: Version,
  /** False when the same natural key was created before with the same content. */
  created: z.boolean(),
});
export type CreateRecommendationResult = AnswerOf<typeof CreateRecommendationResult>;

/** What every update answers (ETag = version). `changed: false` when the command changed nothing. */
export const RecommendationUpdateResult = z.object({
  recommendationId: z.uuid(),
  version: Version,
  changed: z.boolean(),
});
export type RecommendationUpdateResult = AnswerOf<typeof RecommendationUpdateResult>;

/** What setting a cluster's title answers (ETag = the cluster's version). `changed: false`: same title. */
export const ClusterTitleResult = z.object({
  clusterKey: z.string(),
  title: ClusterTitle,
  version: Version,
  changed: z.boolean(),
});
export type ClusterTitleResult = AnswerOf<typeof ClusterTitleResult>;

/** A catalogue entry as the API shows it (ETag = version). */
export const CatalogueEntryBody = RecommendationCreatedData.extend({
  version: Version,
  createdAt: Instant,
  updatedAt: Instant,
});
export type CatalogueEntryBody = AnswerOf<typeof CatalogueEntryBody>;

/** `GET /api/recommendations`. */
export const CataloguePageBody = z.object({
  items: z.array(CatalogueEntryBody),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type CataloguePageBody = AnswerOf<typeof CataloguePageBody>;

/** A cluster ("same ask"): its title and the members the caller may see, with what cites them. */
export const ClusterBody = z.object({
  clusterKey: z.string(),
  /** The secretariat's title (en, fr), null while the cluster has none. */
  title: ClusterTitle.nullable(),
  size: Count,
  members: z.array(
    z.object({
      recommendationId: z.uuid(),
      mechanism: z.string(),
      recommendingEntities: z.array(z.string()),
      citation: z.string(),
      date: DocumentDate,
      text: z.object({ en: z.string(), fr: z.string().nullable() }),
      position: z.string().nullable(),
    }),
  ),
});
export type ClusterBody = AnswerOf<typeof ClusterBody>;

/** `GET /api/recommendations/clusters`. */
export const ClusterListBody = z.array(ClusterBody);
export type ClusterListBody = AnswerOf<typeof ClusterListBody>;

/** `POST /api/recommendations/import`: `created + unchanged + rejected.length === read`, always. */
export const ImportReportBody = z.object({
  format: ImportFormat,
  dryRun: z.boolean(),
  /** The text encoding a CSV, TSV or JSON-lines file was read in; absent for XLSX (its XML says). */
  encoding: ImportEncoding.optional(),
  read: Count,
  created: Count,
  unchanged: Count,
  rejected: z.array(
    z.object({
      /** 1-based data row (header excluded; for JSON lines, the line number). */
      row: z.number().int().min(1),
      reason: z.string(),
    }),
  ),
});
export type ImportReportBody = AnswerOf<typeof ImportReportBody>;
